/** Reference numbers on SQLite (see reference-numbers.ts for the format). */
import type { Statement } from 'better-sqlite3';
import { formatReference, referenceDay } from '../reference-numbers.js';

export const NEXT_SEQUENCE_SQL = `INSERT INTO sequences (kind, day, value) VALUES (?, ?, 1)
  ON CONFLICT (kind, day) DO UPDATE SET value = value + 1 RETURNING value`;

/** Must run inside the transaction that stores the record, so a number is never issued twice or lost. */
export function issueReference(nextSequence: Statement, prefix: 'A' | 'T', now: number): string {
  const day = referenceDay(now);
  const { value } = nextSequence.get(prefix, day) as { value: number };
  return formatReference(prefix, day, value);
}

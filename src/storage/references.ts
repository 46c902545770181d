/** Reference numbers citizens can quote: A20261125-0001 (appointments), T20261125-0001 (tickets), per Shanghai day. */
import type { Statement } from 'better-sqlite3';
import { wallClock } from '../core/clock.js';

export const NEXT_SEQUENCE_SQL = `INSERT INTO sequences (kind, day, value) VALUES (?, ?, 1)
  ON CONFLICT (kind, day) DO UPDATE SET value = value + 1 RETURNING value`;

/** Must run inside the transaction that stores the record, so a number is never issued twice or lost. */
export function issueReference(nextSequence: Statement, prefix: 'A' | 'T', now: number): string {
  const day = wallClock(new Date(now)).date.replaceAll('-', '');
  const { value } = nextSequence.get(prefix, day) as { value: number };
  return `${prefix}${day}-${String(value).padStart(4, '0')}`;
}

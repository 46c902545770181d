/**
 * Appointment and ticket numbers as this service issues them:
 * A20261125-0001 (appointment) and T20261125-0001 (ticket: complaint,
 * suggestion, callback). Citizens drop the dash or add spaces; accept both.
 */
import type { ReferenceEntity } from '../../core/entities.js';

// Any 8 digits, not only plausible dates: a mistyped number must still be
// read as the number the citizen gave, so the lookup can say it is unknown.
const REFERENCE = /(?<![0-9a-z])([at])\s?-?\s?([0-9]{8})\s?-?\s?([0-9]{4})(?![0-9])/gi;

export function extractReferences(text: string): ReferenceEntity[] {
  const out: ReferenceEntity[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    const letter = (m[1] as string).toUpperCase();
    out.push({
      type: 'reference',
      kind: letter === 'A' ? 'appointment' : 'ticket',
      value: `${letter}${m[2]}-${m[3]}`,
      text: m[0],
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return out;
}

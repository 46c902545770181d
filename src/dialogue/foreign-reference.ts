/**
 * A case number in a format this service does not issue — 12345's
 * SH20991231-9999, a service hall's receipt number. Read so the citizen
 * hears that this number was not found here and where it can be looked up,
 * instead of being asked once more for "a number" as if they had given none.
 */
import type { Parse } from '../core/parse.js';

// Letters (a prefix) then digits, dashes and spaces; the digit count decides.
const CODE = /(?<![0-9a-z])[a-z]{0,4}[-\s]?[0-9][0-9\s-]*[0-9](?![0-9a-z])/gi;
/** Fewer digits than this is a count or a house number, not a case number. */
const MIN_DIGITS = 6;

/** The first number-like code that is not one of ours, a phone or an ID number, as the citizen wrote it (upper-cased). */
export function foreignReference(parse: Parse): string | null {
  const taken = parse.entities.filter((e) => e.type === 'reference' || e.type === 'phone' || e.type === 'id_number' || e.type === 'date');
  for (const m of parse.normalised.matchAll(CODE)) {
    const start = m.index;
    const end = start + m[0].length;
    if (taken.some((e) => e.start < end && start < e.end)) continue;
    if ((m[0].match(/[0-9]/g) ?? []).length < MIN_DIGITS) continue;
    // Normalisation keeps lengths, so the citizen's own characters sit at the same offsets.
    return parse.text.slice(start, end).trim().toUpperCase();
  }
  return null;
}

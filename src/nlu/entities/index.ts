/** All entity extractors over one normalised message, in text order. */
import type { Entity } from '../../core/entities.js';
import { extractDates } from './dates.js';
import { extractDistricts } from './districts.js';
import { extractIdNumbers } from './id-number.js';
import { extractPhones } from './phones.js';
import { extractPlates } from './plates.js';
import { extractReferences } from './references.js';

const overlaps = (a: Entity, b: Entity) => a.start < b.end && b.start < a.end;

export function extractEntities(text: string, now: Date): Entity[] {
  // Long digit strings first: an ID number's digits must not also be read as
  // a phone number or a date, so later extractors skip spans already taken.
  const strong: Entity[] = [...extractIdNumbers(text), ...extractReferences(text), ...extractPlates(text)];
  const phones = extractPhones(text).filter((p) => !strong.some((s) => overlaps(s, p)));
  const taken = [...strong, ...phones];
  const dates = extractDates(text, now).filter((d) => !taken.some((s) => overlaps(s, d)));
  const all = [...taken, ...dates, ...extractDistricts(text)];
  return all.sort((a, b) => a.start - b.start || a.end - b.end);
}

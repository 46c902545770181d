/**
 * 18-digit resident ID numbers (GB 11643-1999). The last character is a
 * check digit over the first 17 (ISO 7064 MOD 11-2); the 7th–14th digits are
 * the date of birth. An 18-character number that fails either is reported as
 * invalid rather than dropped, so the dialogue can say what is wrong.
 */
import type { IdNumberEntity } from '../../core/entities.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const CANDIDATE = /(?<![0-9a-z])([0-9]{17}[0-9x])(?![0-9a-z])/gi;

export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK[sum % 11] as string;
}

function validBirthDate(id: string): boolean {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d && date.getTime() <= Date.now();
}

export function isValidIdNumber(raw: string): boolean {
  const id = raw.trim().toUpperCase();
  if (!/^[1-9][0-9]{16}[0-9X]$/.test(id)) return false;
  return idCheckDigit(id.slice(0, 17)) === id[17] && validBirthDate(id);
}

export function extractIdNumbers(text: string): IdNumberEntity[] {
  const out: IdNumberEntity[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const value = (m[1] as string).toUpperCase();
    out.push({ type: 'id_number', value, valid: isValidIdNumber(value), text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Mainland mobile numbers and landlines (with area code, or 8 digits after a phone cue). */
import type { PhoneEntity } from '../../core/entities.js';

const MOBILE = /(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])/g;
const LANDLINE = /(?<![0-9])(0[1-9][0-9]{1,2})[- ]?([2-9][0-9]{6,7})(?![0-9])/g;
const BARE_LOCAL = /(?:电话|座机|固话|tel|联系方式|号码)[^0-9]{0,4}([2-9][0-9]{7})(?![0-9])/g;

export function extractPhones(text: string): PhoneEntity[] {
  const out: PhoneEntity[] = [];
  const taken: Array<[number, number]> = [];
  const free = (s: number, e: number) => taken.every(([a, b]) => e <= a || s >= b);
  for (const m of text.matchAll(MOBILE)) {
    const end = m.index + m[0].length;
    out.push({ type: 'phone', kind: 'mobile', value: `${m[1]}${m[2]}${m[3]}`, text: m[0], start: m.index, end });
    taken.push([m.index, end]);
  }
  for (const m of text.matchAll(LANDLINE)) {
    const end = m.index + m[0].length;
    if (!free(m.index, end)) continue;
    out.push({ type: 'phone', kind: 'landline', value: `${m[1]}${m[2]}`, text: m[0], start: m.index, end });
    taken.push([m.index, end]);
  }
  for (const m of text.matchAll(BARE_LOCAL)) {
    const digits = m[1] as string;
    const start = m.index + m[0].length - digits.length;
    if (!free(start, start + digits.length)) continue;
    out.push({ type: 'phone', kind: 'landline', value: digits, text: digits, start, end: start + digits.length });
  }
  return out;
}

/** True for a complete mainland mobile number or a landline with area code. */
export function isValidPhone(value: string): boolean {
  const digits = value.replace(/[-\s]/g, '').replace(/^\+?86(?=1)/, '');
  return /^1[3-9]\d{9}$/.test(digits) || /^0[1-9]\d{1,2}[2-9]\d{6,7}$/.test(digits) || /^[2-9]\d{7}$/.test(digits);
}

/**
 * Lunar (农历) dates in the Gregorian calendar: 春节 is the first day of the
 * first lunar month, 端午 the 5th of the 5th, 中秋 the 15th of the 8th. The
 * date recognizer knows they are lunar (isLunar) but resolves their lunar
 * month and day as if Gregorian (春节 → 1 January, 中秋 → 15 August), so a
 * citizen asking 春节前能办吗 heard about New Year's Day; dates.ts and the
 * fast path resolve them here instead.
 *
 * Node's ICU has the Chinese calendar, so no table or dependency is needed,
 * except where ICU is wrong: it places a new moon by an approximation that
 * errs when the moon is new within minutes of Beijing midnight. Checked
 * against Meeus's new-moon algorithm (Astronomical Algorithms, ch. 49) for
 * every lunar month from 2024 to 2060, ICU starts two months a day off:
 * 正月 of 2027 (new moon 23:56 on 6 February, ICU says the 7th; the Hong Kong
 * Observatory's 2027 calendar has 春节 on the 6th) and 正月 of 2030 (new
 * moon 00:07 on 3 February, ICU says the 2nd). Those are corrected below.
 */
import { addDays } from '../../core/clock.js';

// en-US numbering: months are 1–12, a leap month '6bis'; relatedYear is the Gregorian year the lunar year starts in.
const CHINESE = new Intl.DateTimeFormat('en-US-u-ca-chinese', { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' });

/** First days of lunar months that ICU places on the wrong day (lunar year-month → Gregorian date). */
const MONTH_STARTS: Readonly<Record<string, string>> = { '2027-1': '2027-02-06', '2030-1': '2030-02-03' };

const DAY_MS = 86_400_000;
const starts = new Map<string, string>();

function lunarFields(t: number): { year: string; month: string; day: string } {
  let year = '';
  let month = '';
  let day = '';
  // TypeScript's lib does not list 'relatedYear' among the part types, which ICU gives for this calendar.
  for (const p of CHINESE.formatToParts(new Date(t)) as { type: string; value: string }[]) {
    if (p.type === 'relatedYear') year = p.value;
    else if (p.type === 'month') month = p.value;
    else if (p.type === 'day') day = p.value;
  }
  return { year, month, day };
}

/** The Gregorian date of the 1st of (non-leap) lunar month `month` of the lunar year starting in Gregorian `year`. */
function monthStart(year: number, month: number): string {
  const key = `${year}-${month}`;
  const known = MONTH_STARTS[key] ?? starts.get(key);
  if (known) return known;
  // The lunar year starts between 21 January and 21 February; a month is 29 or 30 days, a leap month before adds one more.
  const from = Date.UTC(year, 0, 21) + Math.floor((month - 1) * 29.5 - 7) * DAY_MS;
  for (let i = 0; i < 60; i++) {
    const t = from + i * DAY_MS;
    const f = lunarFields(t);
    if (f.year === String(year) && f.month === String(month) && f.day === '1') {
      const date = new Date(t).toISOString().slice(0, 10);
      starts.set(key, date);
      return date;
    }
  }
  throw new Error(`lunar ${key}: no first day found`);
}

/**
 * The Gregorian date of a lunar date in the lunar year starting in Gregorian
 * `year`. Day 30 of the 12th month is 除夕, the eve of the next year, whether
 * that month has 29 days or 30.
 */
export function lunarToGregorian(year: number, month: number, day: number): string {
  if (month === 12 && day >= 30) return addDays(monthStart(year + 1, 1), -1);
  return addDays(monthStart(year, month), day - 1);
}

/** The next lunar `month`-`day` on or after `today` (YYYY-MM-DD): the coming 春节, not the last one. */
export function comingLunarDate(month: number, day: number, today: string): string {
  const year = Number(today.slice(0, 4));
  for (const y of [year - 1, year]) {
    const date = lunarToGregorian(y, month, day);
    if (date >= today) return date;
  }
  return lunarToGregorian(year + 1, month, day);
}

/**
 * Lunar (农历) dates in the Gregorian calendar: 春节 is the first day of the
 * first lunar month, 端午 the 5th of the 5th, 中秋 the 15th of the 8th. The
 * date recognizer knows they are lunar (isLunar) but resolves their lunar
 * month and day as if Gregorian (春节 → 1 January, 中秋 → 15 August), so a
 * citizen asking 春节前能办吗 heard about New Year's Day; dates.ts and the
 * fast path resolve them here instead.
 *
 * The conversion is lunar-typescript's (6tail's lunar, the usual Chinese
 * calendar library, with tables from 1900 to 2100). Node's ICU also has the
 * Chinese calendar, but places two new moons near Beijing midnight a day
 * off in the years that matter here (春节 2027 and 2030, checked against
 * Meeus's new-moon algorithm and the Hong Kong Observatory's calendar):
 * a library that publishes its tables beats a correction table of our own.
 */
import { Lunar } from 'lunar-typescript';
import { addDays } from '../../core/clock.js';

/**
 * Month starts already converted. Lunar.fromYmd computes the whole lunar
 * year (its new moons and solar terms): 1 ms a call measured, for a
 * holiday in a message whose whole parse should take well under that
 * (issue 15 item 9). 12 entries a year asked about; emptied past 1,200, so
 * that years typed at random cannot grow it.
 */
const monthStarts = new Map<number, string>();

/** The Gregorian date of the 1st of (non-leap) lunar month `month` of the lunar year starting in Gregorian `year`. */
function monthStart(year: number, month: number): string {
  const key = year * 100 + month;
  let start = monthStarts.get(key);
  if (start === undefined) {
    start = Lunar.fromYmd(year, month, 1).getSolar().toYmd();
    if (monthStarts.size >= 1200) monthStarts.clear();
    monthStarts.set(key, start);
  }
  return start;
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

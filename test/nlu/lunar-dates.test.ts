/**
 * 春节, 端午 and 中秋 fall on lunar dates, which the date recognizer resolved
 * as Gregorian ones (春节 → 1 January). The dates expected are the Hong
 * Kong Observatory's for 2026 and 2027 and, for the other years, ICU's
 * Chinese calendar where it agrees with Meeus's new moons; ICU itself is a
 * day off for 春节 2027 and 2030, which lunar-dates.ts does not use.
 */
import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../src/nlu/entities/index.js';
import { comingLunarDate, lunarToGregorian } from '../../src/nlu/entities/lunar-dates.js';

// 10:00 in Shanghai on the given day.
const on = (date: string) => new Date(`${date}T10:00:00+08:00`);
const dateIn = (text: string, today: string) => extractEntities(text, on(today)).find((e) => e.type === 'date')?.value;

describe('lunar holidays', () => {
  it('reads 春节 in 春节放假吗 as the coming Chinese New Year, not 1 January', () => {
    expect(dateIn('春节放假吗', '2026-11-25')).toBe('2027-02-06');
    expect(dateIn('春节期间能办居住证吗', '2027-03-01')).toBe('2028-01-26');
  });

  it('reads this year’s 春节 while it has not passed, and the day itself as today', () => {
    expect(dateIn('春节上班吗', '2026-02-01')).toBe('2026-02-17');
    expect(dateIn('春节上班吗', '2026-02-17')).toBe('2026-02-17');
    expect(dateIn('春节上班吗', '2026-02-18')).toBe('2027-02-06');
  });

  it('reads 中秋 and 端午 on their lunar dates', () => {
    expect(dateIn('中秋节那天办事大厅开门吗', '2026-11-25')).toBe('2027-09-15');
    expect(dateIn('端午节能预约吗', '2026-11-25')).toBe('2027-06-09');
    expect(dateIn('中秋', '2026-09-01')).toBe('2026-09-25');
    expect(dateIn('端午', '2026-06-01')).toBe('2026-06-19');
  });

  it('reads them on their lunar dates where the recognizer reads the words around them too (中秋节晚上)', () => {
    const found = extractEntities('中秋节晚上', on('2026-11-25')).map((e) => [e.type, e.value, e.text]);
    expect(found).toEqual([
      ['date', '2027-09-15', '中秋节'],
      ['period', 'pm', '晚上'],
    ]);
  });

  it('keeps the Gregorian holidays Gregorian', () => {
    expect(dateIn('元旦放假吗', '2026-11-25')).toBe('2027-01-01');
    expect(dateIn('国庆节上班吗', '2026-11-25')).toBe('2027-10-01');
    expect(dateIn('劳动节', '2026-11-25')).toBe('2027-05-01');
  });

  it('gives Chinese New Year on the published day, also where ICU is a day off (2027, 2030)', () => {
    const years = [2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035];
    expect(years.map((y) => lunarToGregorian(y, 1, 1))).toEqual([
      '2024-02-10',
      '2025-01-29',
      '2026-02-17',
      '2027-02-06',
      '2028-01-26',
      '2029-02-13',
      '2030-02-03',
      '2031-01-23',
      '2032-02-11',
      '2033-01-31',
      '2034-02-19',
      '2035-02-08',
    ]);
  });

  it('puts 除夕 on the eve of the new year, whether the last month has 29 days or 30', () => {
    expect(lunarToGregorian(2026, 12, 30)).toBe('2027-02-05');
    expect(lunarToGregorian(2025, 12, 30)).toBe('2026-02-16');
  });

  it('finds the coming lunar date across the Gregorian new year', () => {
    // 15 January 2027 is still in the lunar year that began in 2026: its 春节 is 6 February.
    expect(comingLunarDate(1, 1, '2027-01-15')).toBe('2027-02-06');
    expect(comingLunarDate(8, 15, '2027-09-16')).toBe('2028-10-03');
  });
});

/**
 * Working days in Shanghai: the ISO weekdays an office works (Monday to
 * Friday for the halls), corrected by the holiday calendar in intents/data
 * (public holidays off, make-up days 调休 on). One rule for the halls'
 * bookable days, the desk's office hours and tickets' due dates.
 */
import { weekday } from './clock.js';

export interface WorkCalendar {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
}

const MONDAY_TO_FRIDAY: readonly number[] = [1, 2, 3, 4, 5];

/** Whether `date` (YYYY-MM-DD) is a working day for an office open on the ISO weekdays `days` (1 = Monday). */
export function isWorkingDay(date: string, calendar: WorkCalendar, days: readonly number[] = MONDAY_TO_FRIDAY): boolean {
  if (calendar.workdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const iso = weekday(date) === 0 ? 7 : weekday(date);
  return days.includes(iso);
}

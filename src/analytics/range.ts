/**
 * The period a report covers: whole Shanghai days [from, to], both
 * included, as the officials reading it count them.
 */
import { addDays, wallClock } from '../core/clock.js';
import { AppError } from '../core/errors.js';

export interface DateRange {
  /** YYYY-MM-DD, first day included. */
  from: string;
  /** YYYY-MM-DD, last day included. */
  to: string;
  /** Start of `from` in Shanghai, epoch ms. */
  fromMs: number;
  /** Start of the day after `to` in Shanghai, epoch ms (exclusive). */
  toMs: number;
  /** Every day of the range, in order. */
  days: string[];
}

/** A year: a wider report is slow to read and to compute (one query per report scans the range). */
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const startOfDay = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

function checkDate(name: string, value: string): void {
  // Date.parse rolls 2026-02-30 over to March; a real date survives the round trip.
  if (!DATE.test(value) || Number.isNaN(startOfDay(value)) || addDays(value, 0) !== value) {
    throw new AppError('BAD_REQUEST', `${name} must be a date like 2026-11-01 (got "${value.slice(0, 20)}")`);
  }
}

export function dateRange(from: string, to: string): DateRange {
  checkDate('from', from);
  checkDate('to', to);
  if (from > to) throw new AppError('BAD_REQUEST', `from (${from}) is after to (${to})`);
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    days.push(d);
    if (days.length > MAX_RANGE_DAYS) throw new AppError('BAD_REQUEST', `a report covers at most ${MAX_RANGE_DAYS} days`);
  }
  return { from, to, fromMs: startOfDay(from), toMs: startOfDay(addDays(to, 1)), days };
}

/** The last `days` days up to and including today (Shanghai). */
export function recentDays(now: Date, days = DEFAULT_RANGE_DAYS): DateRange {
  const today = wallClock(now).date;
  return dateRange(addDays(today, 1 - days), today);
}

/** The range asked for, with the missing end(s) filled in from the default. */
export function requestedRange(now: Date, from?: string, to?: string): DateRange {
  if (!from && !to) return recentDays(now);
  const end = to || wallClock(now).date;
  return dateRange(from || addDays(end, 1 - DEFAULT_RANGE_DAYS), end);
}

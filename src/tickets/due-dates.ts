/**
 * Due dates in working days (Shanghai time): a ticket filed on any day is
 * due at the end of the Nth working day after it, where working days are
 * OFFICE_DAYS corrected by the holiday calendar (make-up days on, public
 * holidays off) — the same rule as the desk's office hours.
 */
import { isWorkingDay, type WorkCalendar } from '../core/calendar.js';
import { addDays, wallClock } from '../core/clock.js';
import type { TicketKind } from '../core/conversation.js';

/** End of a Shanghai calendar day (the first millisecond of the next), epoch ms. */
const endOfDay = (date: string) => Date.parse(`${addDays(date, 1)}T00:00:00+08:00`);

export function dueAt(filedAt: number, workingDays: number, days: readonly number[], calendar: WorkCalendar): number {
  let date = wallClock(new Date(filedAt)).date;
  let left = workingDays;
  // 400 days bounds a calendar that has (mistakenly) no working day at all.
  for (let i = 0; left > 0 && i < 400; i++) {
    date = addDays(date, 1);
    if (isWorkingDay(date, calendar, days)) left--;
  }
  return endOfDay(date);
}

export type DueDays = Readonly<Record<TicketKind, number>>;

/** "complaint:5,suggestion:10,…" → working days per kind; kinds not named keep the defaults. */
export function parseDueDays(spec: string, defaults: DueDays): DueDays {
  const out: Record<string, number> = { ...defaults };
  for (const part of spec.split(',').filter((p) => p.trim())) {
    const [kind, n] = part.split(':').map((x) => x.trim());
    if (!kind || !(kind in defaults) || !n || !/^\d+$/.test(n)) throw new Error(`"${part}" must look like complaint:5`);
    out[kind] = Number(n);
  }
  return out as DueDays;
}

/**
 * When people are at the desk. Outside these hours an escalation becomes a
 * callback request (the dialogue collects a phone number) instead of a queue
 * entry nobody would see until morning. Working days follow the calendar in
 * intents/data (public holidays off, make-up days on), in Shanghai time.
 */
import { isWorkingDay } from '../core/calendar.js';
import { addDays, wallClock, weekday } from '../core/clock.js';

export interface OfficeHours {
  isOpen(now: Date): boolean;
  /** The next opening, as 中文 text for the citizen (e.g. "11月26日（周四）9:00"). */
  nextOpening(now: Date): string;
  /** The hours as 中文 text (e.g. "工作日 9:00–17:00"). */
  describe(): string;
}

export const ALWAYS_OPEN: OfficeHours = {
  isOpen: () => true,
  nextOpening: () => '现在',
  describe: () => '全天',
};

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/**
 * `spec` is "HH:MM-HH:MM" (working days) or "always". `days` lists ISO
 * weekdays (1 = Monday … 7 = Sunday) that are working days unless the
 * calendar says otherwise.
 */
export function officeHours(
  spec: string,
  days: readonly number[],
  calendar: { holidays: ReadonlySet<string>; workdays: ReadonlySet<string> },
): OfficeHours {
  if (spec.trim() === 'always') return ALWAYS_OPEN;
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(spec.trim());
  if (!m) throw new Error(`office hours "${spec}" must look like 09:00-17:00 or be "always"`);
  const open = Number(m[1]) * 60 + Number(m[2]);
  const close = Number(m[3]) * 60 + Number(m[4]);
  if (!(open < close && close <= 24 * 60)) throw new Error(`office hours "${spec}": the opening must come before the closing`);
  const isWorkday = (date: string) => isWorkingDay(date, calendar, days);
  const hhmm = (mins: number) => `${Math.floor(mins / 60)}:${String(mins % 60).padStart(2, '0')}`;
  return {
    isOpen(now) {
      const w = wallClock(now);
      const mins = w.hour * 60 + w.minute;
      return isWorkday(w.date) && mins >= open && mins < close;
    },
    nextOpening(now) {
      const w = wallClock(now);
      const mins = w.hour * 60 + w.minute;
      let date = isWorkday(w.date) && mins < open ? w.date : addDays(w.date, 1);
      for (let i = 0; i < 60 && !isWorkday(date); i++) date = addDays(date, 1);
      const [, mo, d] = date.split('-').map(Number);
      const today = date === w.date ? '今天' : date === addDays(w.date, 1) ? '明天' : '';
      return `${today}${mo}月${d}日（周${WEEKDAYS[weekday(date)]}）${hhmm(open)}`;
    },
    describe() {
      return `工作日 ${hhmm(open)}–${hhmm(close)}`;
    },
  };
}

/** Due dates count working days in Shanghai: weekends and public holidays off, make-up days on. */
import { describe, expect, it } from 'vitest';
import { loadBehaviour } from '../../src/dialogue/definitions.js';
import { dueAt, parseDueDays } from '../../src/tickets/due-dates.js';

const WEEKDAYS = [1, 2, 3, 4, 5];
const shanghai = (iso: string) => Date.parse(`${iso}+08:00`);
/** The first moment after a Shanghai calendar day. */
const endOf = (date: string) => shanghai(`${date}T00:00:00`) + 86_400_000;
const calendar = loadBehaviour('intents').calendar;

describe('due dates', () => {
  it('gives a complaint filed on a Wednesday until the end of the next Wednesday', () => {
    expect(dueAt(shanghai('2026-11-25T10:00:00'), 5, WEEKDAYS, calendar)).toBe(endOf('2026-12-02'));
  });

  it('skips the National Day holiday of the shipped calendar', () => {
    // Filed on 30 September: 1–7 October are holidays, so Thu 8, Fri 9, Mon 12, Tue 13, Wed 14.
    expect(dueAt(shanghai('2026-09-30T16:00:00'), 5, WEEKDAYS, calendar)).toBe(endOf('2026-10-14'));
  });

  it('counts a make-up working day on a weekend', () => {
    const withMakeUp = { holidays: calendar.holidays, workdays: new Set(['2026-10-10']) };
    expect(dueAt(shanghai('2026-09-30T16:00:00'), 5, WEEKDAYS, withMakeUp)).toBe(endOf('2026-10-13'));
  });

  it('reads a late-night filing by its Shanghai date, whatever the server’s time zone', () => {
    // 23:30 on Friday in Shanghai is still Friday: one working day is Monday.
    expect(dueAt(shanghai('2026-11-27T23:30:00'), 1, WEEKDAYS, calendar)).toBe(endOf('2026-11-30'));
  });

  it('reads TICKET_DUE_DAYS, keeping defaults for kinds it does not name, and names a bad entry', () => {
    const defaults = { complaint: 5, suggestion: 10, callback: 2, follow_up: 3 };
    expect(parseDueDays('complaint:3,callback:1', defaults)).toEqual({ complaint: 3, suggestion: 10, callback: 1, follow_up: 3 });
    expect(() => parseDueDays('praise:3', defaults)).toThrow('"praise:3" must look like complaint:5');
  });
});

/**
 * Wall-clock helpers for the service's time zone. Citizens say 明天 and 下午
 * in Shanghai time whatever the server's TZ is, so calendar arithmetic is
 * done on Shanghai wall-clock parts, never on the process's local time.
 */
export const SERVICE_TIME_ZONE = 'Asia/Shanghai';

const partsFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: SERVICE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** YYYY-MM-DD */
  date: string;
}

// Every turn asks, often several times, and formatToParts costs ~10 µs; the
// answer only changes once a minute, so the last one is kept.
let last: { minute: number; clock: Readonly<WallClock> } | undefined;

export function wallClock(now: Date): Readonly<WallClock> {
  const minute = Math.floor(now.getTime() / 60_000);
  if (last?.minute !== minute) last = { minute, clock: Object.freeze(readWallClock(now)) };
  return last.clock;
}

function readWallClock(now: Date): WallClock {
  const p: Record<string, string> = {};
  for (const { type, value } of partsFormat.formatToParts(now)) p[type] = value;
  const year = Number(p.year);
  const month = Number(p.month);
  const day = Number(p.day);
  return { year, month, day, hour: Number(p.hour), minute: Number(p.minute), date: `${p.year}-${p.month}-${p.day}` };
}

/** Day of week (0 = Sunday) of a YYYY-MM-DD calendar date. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** Adds days to a YYYY-MM-DD calendar date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

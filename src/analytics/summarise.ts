/**
 * From the database's facts to the picture of citizen demand: pure
 * arithmetic, no I/O, so the dashboard, the JSON API, the HTML report and
 * the CSV files all show the same numbers. Definitions: docs/analytics.md.
 */
import type { AnalyticsFacts } from '../core/analytics.js';
import { weekday } from '../core/clock.js';
import { reasonLabel } from '../core/handoffs.js';
import { OUT_OF_SCOPE } from '../core/parse.js';
import { RATING_LABELS } from '../dialogue/intents-text.js';
import { type DurationStats, durationStats } from './durations.js';
import { CONVERSATIONAL_INTENTS, intentLabel } from './labels.js';
import { type OutcomeCategory, outcomeCategory } from './outcomes.js';
import type { DateRange } from './range.js';
import { summariseTicketWork, type TicketWork } from './ticket-work.js';
import { groupUnanswered, type UnansweredGroup } from './unanswered.js';

export const TOP_INTENTS = 15;
export const TOP_UNANSWERED = 20;

export type CategoryCounts = Record<OutcomeCategory, number>;

export interface ServiceAnalytics {
  range: { from: string; to: string; days: number };
  generatedAt: number;
  /** Answers scored below this counted as unanswered demand. */
  lowConfidence: number;
  headline: {
    messages: number;
    citizens: number;
    handoffs: number;
    callbacks: number;
    /** Complaints, suggestions and follow-ups of bad ratings (callbacks counted apart). */
    tickets: number;
    appointments: number;
    /** Of the messages the assistant had to decide on: the share it dealt with itself (null: none). */
    answeredShare: number | null;
    /** Share of 好差评 at 满意 or 非常满意 (null: no ratings). */
    satisfaction: number | null;
  };
  volume: { channels: string[]; days: Array<{ day: string; total: number; byChannel: Record<string, number> }> };
  outcomes: {
    totals: CategoryCounts;
    /** assistant / escalated / fallback over their sum (messages during a handoff left out). */
    shares: { assistant: number | null; escalated: number | null; fallback: number | null };
    days: Array<{ day: string } & CategoryCounts>;
  };
  intents: Array<{ intent: string; label: string; count: number; share: number }>;
  /** Messages in small talk (问候, 确认 …) and not understood, left out of `intents`. */
  intentsOther: { conversational: number; notUnderstood: number };
  escalations: Array<{ reason: string; label: string; count: number; share: number }>;
  unanswered: { groups: UnansweredGroup[]; messages: number; truncated: boolean };
  staff: { firstResponse: DurationStats; resolution: DurationStats };
  ratings: {
    total: number;
    levels: Array<{ level: number; label: string; count: number; share: number }>;
    satisfaction: number | null;
    /** `byLevel` in the order of `levels` (非常满意 first). */
    days: Array<{ day: string; count: number; satisfied: number; rate: number | null; byLevel: number[] }>;
  };
  /** Citizen messages by weekday (0 = 周一 … 6 = 周日) and hour (0–23), Shanghai time. */
  hours: { grid: number[][]; byHour: number[]; peak: { weekday: number; hour: number; count: number } | null };
  tickets: Record<string, number>;
  /** Tickets by department, time to result, overdue, how they were dispatched. */
  ticketWork: TicketWork;
  appointmentsCancelled: number;
}

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const emptyCategories = (): CategoryCounts => ({ assistant: 0, escalated: 0, fallback: 0, staff: 0, other: 0 });

export function summarise(
  f: AnalyticsFacts,
  range: DateRange,
  generatedAt: number,
  lowConfidence: number,
  departmentName: (id: string | null) => string = (id) => id ?? '待分派',
): ServiceAnalytics {
  const outcomes = summariseOutcomes(f, range);
  const ratings = summariseRatings(f, range);
  const decided = outcomes.totals.assistant + outcomes.totals.escalated + outcomes.totals.fallback;
  const messages = f.traffic.reduce((n, r) => n + r.count, 0);
  const tickets = f.tickets;
  return {
    range: { from: range.from, to: range.to, days: range.days.length },
    generatedAt,
    lowConfidence,
    headline: {
      messages,
      citizens: f.citizens,
      handoffs: f.handoffs.length,
      callbacks: tickets.callback ?? 0,
      tickets: (tickets.complaint ?? 0) + (tickets.suggestion ?? 0) + (tickets.follow_up ?? 0),
      appointments: f.appointments.booked + f.appointments.cancelled,
      answeredShare: share(outcomes.totals.assistant, decided),
      satisfaction: ratings.satisfaction,
    },
    volume: summariseVolume(f, range),
    outcomes: {
      ...outcomes,
      shares: {
        assistant: share(outcomes.totals.assistant, decided),
        escalated: share(outcomes.totals.escalated, decided),
        fallback: share(outcomes.totals.fallback, decided),
      },
    },
    ...summariseIntents(f, messages),
    escalations: summariseEscalations(f),
    unanswered: {
      groups: groupUnanswered(f.unanswered, TOP_UNANSWERED),
      messages: f.unanswered.length,
      truncated: f.unansweredTruncated,
    },
    staff: {
      firstResponse: durationStats(f.handoffs.flatMap((h) => (h.firstResponseAt === null ? [] : [h.firstResponseAt - h.createdAt]))),
      resolution: durationStats(
        f.handoffs.flatMap((h) => (h.status === 'closed' && h.closedByStaff && h.closedAt !== null ? [h.closedAt - h.createdAt] : [])),
      ),
    },
    ratings,
    hours: summariseHours(f),
    tickets: { ...tickets },
    ticketWork: summariseTicketWork(f.ticketWork ?? [], generatedAt, departmentName),
    appointmentsCancelled: f.appointments.cancelled,
  };
}

function summariseVolume(f: AnalyticsFacts, range: DateRange): ServiceAnalytics['volume'] {
  const channels = [...new Set(f.traffic.map((r) => r.channel))].sort();
  const days = new Map(range.days.map((day) => [day, { day, total: 0, byChannel: Object.fromEntries(channels.map((c) => [c, 0])) }]));
  for (const r of f.traffic) {
    const d = days.get(r.day);
    if (!d) continue;
    d.total += r.count;
    d.byChannel[r.channel] = (d.byChannel[r.channel] ?? 0) + r.count;
  }
  return { channels, days: [...days.values()] };
}

function summariseOutcomes(f: AnalyticsFacts, range: DateRange) {
  const totals = emptyCategories();
  const days = new Map(range.days.map((day) => [day, { day, ...emptyCategories() }]));
  for (const r of f.traffic) {
    const c = outcomeCategory(r.outcome);
    totals[c] += r.count;
    const d = days.get(r.day);
    if (d) d[c] += r.count;
  }
  return { totals, days: [...days.values()] };
}

function summariseIntents(f: AnalyticsFacts, messages: number) {
  let conversational = 0;
  let notUnderstood = 0;
  const service: ServiceAnalytics['intents'] = [];
  for (const r of f.intents) {
    if (r.intent === null || r.intent === OUT_OF_SCOPE) notUnderstood += r.count;
    else if (CONVERSATIONAL_INTENTS.includes(r.intent)) conversational += r.count;
    else service.push({ intent: r.intent, label: intentLabel(r.intent), count: r.count, share: share(r.count, messages) ?? 0 });
  }
  service.sort((a, b) => b.count - a.count || a.intent.localeCompare(b.intent));
  return { intents: service.slice(0, TOP_INTENTS), intentsOther: { conversational, notUnderstood } };
}

function summariseEscalations(f: AnalyticsFacts): ServiceAnalytics['escalations'] {
  const counts = new Map<string, number>();
  for (const h of f.handoffs) counts.set(h.reason, (counts.get(h.reason) ?? 0) + 1);
  return [...counts.entries()]
    .map(([reason, count]) => ({ reason, label: reasonLabel(reason), count, share: share(count, f.handoffs.length) ?? 0 }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

function summariseRatings(f: AnalyticsFacts, range: DateRange): ServiceAnalytics['ratings'] {
  const byLevel = new Map<number, number>();
  const order = [5, 4, 3, 2, 1] as const;
  const days = new Map(
    range.days.map((day) => [day, { day, count: 0, satisfied: 0, rate: null as number | null, byLevel: order.map(() => 0) }]),
  );
  for (const r of f.ratings) {
    byLevel.set(r.level, (byLevel.get(r.level) ?? 0) + r.count);
    const d = days.get(r.day);
    if (!d) continue;
    d.count += r.count;
    const at = order.indexOf(r.level as 1 | 2 | 3 | 4 | 5);
    if (at >= 0) d.byLevel[at] = (d.byLevel[at] ?? 0) + r.count;
    if (r.level >= 4) d.satisfied += r.count;
  }
  for (const d of days.values()) d.rate = share(d.satisfied, d.count);
  const total = [...byLevel.values()].reduce((a, b) => a + b, 0);
  const satisfied = (byLevel.get(5) ?? 0) + (byLevel.get(4) ?? 0);
  const levels = order.map((level) => {
    const count = byLevel.get(level) ?? 0;
    return { level, label: RATING_LABELS[level], count, share: share(count, total) ?? 0 };
  });
  return { total, levels, satisfaction: share(satisfied, total), days: [...days.values()] };
}

function summariseHours(f: AnalyticsFacts): ServiceAnalytics['hours'] {
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const byHour = new Array<number>(24).fill(0);
  for (const r of f.traffic) {
    const row = grid[(weekday(r.day) + 6) % 7];
    if (!row || r.hour < 0 || r.hour > 23) continue;
    row[r.hour] = (row[r.hour] ?? 0) + r.count;
    byHour[r.hour] = (byHour[r.hour] ?? 0) + r.count;
  }
  let peak: ServiceAnalytics['hours']['peak'] = null;
  grid.forEach((row, wd) => {
    row.forEach((count, hour) => {
      if (count > 0 && (peak === null || count > peak.count)) peak = { weekday: wd, hour, count };
    });
  });
  return { grid, byHour, peak };
}

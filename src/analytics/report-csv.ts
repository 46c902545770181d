/**
 * The report's tables as CSV files for spreadsheets: a UTF-8 byte-order
 * mark (without it Excel reads UTF-8 as the local code page and the Chinese
 * turns to mojibake), CRLF lines, RFC 4180 quoting, and cells that would
 * start a formula (= + - @) prefixed with an apostrophe — citizen text is
 * untrusted, and a spreadsheet would otherwise run it.
 */
import { channelLabel, WEEKDAYS } from './labels.js';
import { OUTCOME_CATEGORIES } from './outcomes.js';
import type { ServiceAnalytics } from './summarise.js';

export interface CsvFile {
  /** Without the report-<from>-<to>- prefix, e.g. daily-volume.csv */
  name: string;
  content: string;
}

type Cell = string | number | null;

function cell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(4);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<Cell>>): string {
  return `\ufeff${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export function reportCsv(a: ServiceAnalytics): CsvFile[] {
  const cats = OUTCOME_CATEGORIES;
  const outcomeByDay = new Map(a.outcomes.days.map((d) => [d.day, d]));
  const daily = [
    ['日期', '市民消息', ...a.volume.channels.map(channelLabel), ...cats.map((c) => c.label)],
    ...a.volume.days.map((d) => {
      const o = outcomeByDay.get(d.day);
      return [d.day, d.total, ...a.volume.channels.map((c) => d.byChannel[c] ?? 0), ...cats.map((c) => o?.[c.id] ?? 0)];
    }),
  ];
  const intents = [['事项', '事项代码', '消息数', '占全部消息'], ...a.intents.map((i) => [i.label, i.intent, i.count, i.share])];
  const reasons = [['原因', '原因代码', '转人工次数', '占比'], ...a.escalations.map((e) => [e.label, e.reason, e.count, e.share])];
  const unanswered = [
    ['排名', '市民问题（已脱敏）', '次数', '未理解', '低置信答复的事项', '相近说法'],
    ...a.unanswered.groups.map((g, i) => [i + 1, g.text, g.count, g.notUnderstood, g.guessedIntent, g.examples.join(' / ')]),
  ];
  const levels = a.ratings.levels;
  const ratings = [
    ['日期', '评价数', ...levels.map((l) => l.label), '满意率'],
    ...a.ratings.days.map((d) => [d.day, d.count, ...d.byLevel, d.rate]),
    ['合计', a.ratings.total, ...levels.map((l) => l.count), a.ratings.satisfaction],
  ];
  const hourly = [
    ['星期', ...Array.from({ length: 24 }, (_, h) => `${h}时`), '合计'],
    ...a.hours.grid.map((row, i) => [WEEKDAYS[i] ?? '', ...row, row.reduce((x, y) => x + y, 0)]),
  ];
  const tickets = [
    ['承办部门', '部门代码', '受理', '未办结', '已办结', '退回', '超期', '超期办结', '办结用时中位数（秒）', '办结用时P90（秒）'],
    ...a.ticketWork.departments.map((d) => [
      d.name,
      d.department ?? 'unassigned',
      d.filed,
      d.open,
      d.resolved,
      d.returned,
      d.overdue,
      d.resolvedLate,
      d.timeToResult.medianSeconds,
      d.timeToResult.p90Seconds,
    ]),
  ];
  return [
    { name: 'daily-volume.csv', content: toCsv(daily) },
    { name: 'tickets-by-department.csv', content: toCsv(tickets) },
    { name: 'intents.csv', content: toCsv(intents) },
    { name: 'escalation-reasons.csv', content: toCsv(reasons) },
    { name: 'unanswered.csv', content: toCsv(unanswered) },
    { name: 'ratings.csv', content: toCsv(ratings) },
    { name: 'hourly.csv', content: toCsv(hourly) },
  ];
}

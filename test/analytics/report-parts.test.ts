/** The pure pieces of the report: ranges, question grouping, percentiles, CSV and SVG output. */
import { describe, expect, it } from 'vitest';
import { durationStats, percentile } from '../../src/analytics/durations.js';
import { dateRange, requestedRange } from '../../src/analytics/range.js';
import { toCsv } from '../../src/analytics/report-csv.js';
import { barChart, heatMap, lineChart } from '../../src/analytics/svg.js';
import { groupUnanswered } from '../../src/analytics/unanswered.js';

describe('a date range', () => {
  it('covers whole Shanghai days, both ends included', () => {
    const r = dateRange('2026-11-01', '2026-11-30');
    expect(new Date(r.fromMs).toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(new Date(r.toMs).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(r.days).toHaveLength(30);
    expect(dateRange('2026-12-31', '2027-01-01').days).toEqual(['2026-12-31', '2027-01-01']);
  });

  it('refuses dates that do not exist, reversed ranges and more than a year', () => {
    for (const [from, to] of [
      ['2026-02-29', '2026-03-01'],
      ['2026-11-5', '2026-11-30'],
      ['2026-11-30', '2026-11-01'],
      ['2025-01-01', '2026-11-30'],
    ] as const) {
      expect(() => dateRange(from, to), `${from}..${to}`).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    }
  });

  it('fills a missing end from the last 30 days', () => {
    const now = new Date('2026-11-25T17:00:00Z'); // 01:00 on the 26th in Shanghai
    expect(requestedRange(now)).toMatchObject({ from: '2026-10-28', to: '2026-11-26' });
    expect(requestedRange(now, '2026-11-01')).toMatchObject({ from: '2026-11-01', to: '2026-11-26' });
    expect(requestedRange(now, undefined, '2026-11-10')).toMatchObject({ from: '2026-10-12', to: '2026-11-10' });
  });
});

describe('unanswered questions', () => {
  const m = (maskedText: string, at: number, outcome: string | null = 'fallback') => ({
    maskedText,
    intent: null,
    score: 0.1,
    outcome,
    at,
  });

  it('are the same question whatever the punctuation, script, courtesy, numbers or a changed character', () => {
    const same = ['附近有没有好吃的火锅店', '请问附近有没有好吃的火锅店啊？', '附近有沒有好吃的火鍋店!!', '  附近 有没有好吃的火锅店 😋 '];
    const groups = groupUnanswered(
      [...same, 'A20261125-0001 到哪了', 'A20261126-0042到哪了', '附近有没有好吃的烧烤店', '我家附近有没有好吃的火锅店'].map((t, i) =>
        m(t, 100 - i),
      ),
      10,
    );
    expect(groups.map((g) => [g.text, g.count])).toEqual([
      ['附近有没有好吃的火锅店', 5],
      ['A20261126-0042到哪了', 2],
      ['附近有没有好吃的烧烤店', 1],
    ]);
  });

  it('group largest first, with the plainest wording shown and the others as examples', () => {
    const groups = groupUnanswered(
      [m('烧烤店在哪？', 9), m('请问烧烤店在哪', 8), m('公园几点关门', 7), m('烧烤店在哪', 6), m('烧烤店在哪', 5, 'answer')],
      10,
    );
    expect(groups).toEqual([
      { text: '烧烤店在哪', count: 4, notUnderstood: 3, guessedIntent: null, examples: ['烧烤店在哪？', '请问烧烤店在哪'], lastAt: 9 },
      { text: '公园几点关门', count: 1, notUnderstood: 1, guessedIntent: null, examples: [], lastAt: 7 },
    ]);
  });
});

describe('staff response times', () => {
  it('take the nearest-rank median and p90, which are times that happened', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 90)).toBe(40);
    expect(percentile([], 50)).toBeNull();
    expect(durationStats([60_000, 1_000, 600_000])).toEqual({ count: 3, medianSeconds: 60, p90Seconds: 600 });
  });
});

describe('CSV for spreadsheets', () => {
  it('starts with a BOM, quotes what needs it and defuses formulas in citizen text', () => {
    const csv = toCsv([
      ['问题', '次数'],
      ['=HYPERLINK("http://evil")', 2],
      ['逗号,和"引号"', 0.5],
      ['-1+1', null],
    ]);
    expect(csv).toBe('\ufeff问题,次数\r\n"\'=HYPERLINK(""http://evil"")",2\r\n"逗号,和""引号""",0.5000\r\n\'-1+1,\r\n');
  });
});

describe('SVG charts', () => {
  it('escape labels and name every mark for screen readers and tooltips', () => {
    const svg = barChart({ id: 'x', title: '未解决诉求', items: [{ label: '<img src=x onerror=alert(1)>', value: 3 }], color: '#c00' });
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;：3');
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="x-title x-desc"><title id="x-title">未解决诉求<\/title>/);
  });

  it('say 暂无数据 rather than draw an empty frame', () => {
    expect(barChart({ id: 'a', title: 'a', items: [], color: '#000' })).toContain('暂无数据');
    expect(lineChart({ id: 'b', title: 'b', days: ['2026-11-01'], series: [{ label: 's', color: '#000', values: [null] }] })).toContain(
      '暂无数据',
    );
    expect(heatMap({ id: 'c', title: 'c', rows: ['周一'], cols: ['0'], values: [[0]], color: '#000', unit: '条' })).toContain('暂无数据');
  });

  it('break a line where a day has no value', () => {
    const svg = lineChart({
      id: 'rate',
      title: '满意率',
      days: ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'],
      series: [{ label: '满意率', color: '#0a0', values: [1, null, 0.5, 0.75] }],
      percent: true,
    });
    const d = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(3);
  });
});

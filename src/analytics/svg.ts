/**
 * The charts, as inline SVG strings rendered on the server: horizontal
 * bars, lines over days, 100%-stacked columns over days and a weekday ×
 * hour heat map. Labels are Chinese; every mark carries a <title> (a
 * tooltip, and text for screen readers); nothing needs JavaScript.
 */
import { esc } from './escape.js';
import { clipLabel, empty, fmt, frame, labelEvery, legend, niceScale, pct, rect, round, shortDay, text, textWidth } from './svg-kit.js';

export interface BarItem {
  label: string;
  value: number;
  /** Shown after the bar; default: the value. */
  valueText?: string;
}

/** Horizontal bars, largest first as given: long Chinese labels read best on the left. */
export function barChart(o: {
  id: string;
  title: string;
  items: readonly BarItem[];
  color: string;
  width?: number;
  labelMax?: number;
}): string {
  const width = o.width ?? 560;
  if (o.items.length === 0) return empty({ id: o.id, title: o.title, width });
  const row = 26;
  const labelW = Math.min(o.labelMax ?? 180, Math.max(...o.items.map((i) => textWidth(i.label))) + 8);
  const valueW = Math.max(...o.items.map((i) => textWidth(i.valueText ?? fmt(i.value)))) + 10;
  const barW = width - labelW - valueW - 8;
  const max = Math.max(...o.items.map((i) => i.value), 1);
  const bars = o.items.map((item, i) => {
    const y = 8 + i * row;
    const w = (item.value / max) * barW;
    const shown = item.valueText ?? fmt(item.value);
    return (
      `<g class="bar">${text(labelW - 8, y + 13, clipLabel(item.label, labelW - 8), 'text-anchor="end" dominant-baseline="middle"')}` +
      rect(labelW, y + 3, Math.max(w, item.value > 0 ? 2 : 0), row - 8, o.color, `${item.label}：${shown}`, 'rx="2"') +
      `${text(labelW + w + 6, y + 13, shown, 'dominant-baseline="middle" class="value"')}</g>`
    );
  });
  const top = o.items[0] as BarItem;
  const desc = `共 ${o.items.length} 项，最多为“${top.label}”（${top.valueText ?? fmt(top.value)}）`;
  return frame({ id: o.id, title: o.title, desc, width, height: 16 + o.items.length * row }, bars.join(''));
}

export interface Series {
  label: string;
  color: string;
  values: ReadonlyArray<number | null>;
}

const PLOT = { left: 48, right: 16, top: 30, bottom: 28 };

/** Y axis with grid lines, and x labels under the days. */
function axes(o: { days: readonly string[]; width: number; height: number; ticks: number[]; max: number; yText: (v: number) => string }) {
  const plotW = o.width - PLOT.left - PLOT.right;
  const plotH = o.height - PLOT.top - PLOT.bottom;
  const y = (v: number) => PLOT.top + plotH - (v / o.max) * plotH;
  const step = plotW / Math.max(o.days.length, 1);
  const x = (i: number) => PLOT.left + step * (i + 0.5);
  let out = '';
  for (const t of o.ticks) {
    out += `<line x1="${PLOT.left}" x2="${o.width - PLOT.right}" y1="${round(y(t))}" y2="${round(y(t))}" class="grid"/>`;
    out += text(PLOT.left - 6, y(t), o.yText(t), 'text-anchor="end" dominant-baseline="middle" class="axis"');
  }
  for (const i of labelEvery(o.days.length, Math.max(2, Math.floor(plotW / 52)))) {
    out += text(x(i), o.height - 8, shortDay(o.days[i] ?? ''), 'text-anchor="middle" class="axis"');
  }
  return { out, x, y, step, plotH };
}

/** Lines over days; a null value (no data that day) breaks the line. */
export function lineChart(o: {
  id: string;
  title: string;
  days: readonly string[];
  series: readonly Series[];
  width?: number;
  height?: number;
  percent?: boolean;
}): string {
  const width = o.width ?? 720;
  const height = o.height ?? 240;
  const values = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (values.length === 0) return empty({ id: o.id, title: o.title, width });
  const scale = o.percent ? { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] } : niceScale(Math.max(...values));
  const show = (v: number) => (o.percent ? pct(v, 0) : fmt(v));
  const a = axes({ days: o.days, width, height, ticks: scale.ticks, max: scale.max, yText: show });
  let lines = '';
  let points = '';
  for (const s of o.series) {
    let path = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${round(a.x(i))} ${round(a.y(v))}`;
      pen = true;
      // Hover targets while they stay distinguishable (about two months of days).
      if (o.days.length <= 62) {
        points += `<circle cx="${round(a.x(i))}" cy="${round(a.y(v))}" r="3" fill="${esc(s.color)}"><title>${esc(`${o.days[i]} ${s.label}：${show(v)}`)}</title></circle>`;
      }
    });
    lines += `<path d="${path}" fill="none" stroke="${esc(s.color)}" stroke-width="2" stroke-linejoin="round"/>`;
  }
  const desc = o.series
    .map((s) => {
      const vs = s.values.filter((v): v is number => v !== null);
      return `${s.label}：最高 ${show(Math.max(...vs, 0))}`;
    })
    .join('；');
  return frame({ id: o.id, title: o.title, desc, width, height }, a.out + lines + points + legend(PLOT.left, 16, o.series));
}

/** Columns over days, each split by category as a share of that day's total. */
export function stackedColumns(o: {
  id: string;
  title: string;
  days: readonly string[];
  categories: ReadonlyArray<{ id: string; label: string; color: string }>;
  rows: ReadonlyArray<Record<string, number>>;
  width?: number;
  height?: number;
}): string {
  const width = o.width ?? 720;
  const height = o.height ?? 240;
  const totals = o.rows.map((r) => o.categories.reduce((n, c) => n + (r[c.id] ?? 0), 0));
  if (totals.every((t) => t === 0)) return empty({ id: o.id, title: o.title, width });
  const a = axes({ days: o.days, width, height, ticks: [0, 0.25, 0.5, 0.75, 1], max: 1, yText: (v) => pct(v, 0) });
  const barW = Math.max(1, a.step * 0.7);
  let cols = '';
  o.rows.forEach((r, i) => {
    const total = totals[i] ?? 0;
    if (total === 0) return;
    let acc = 0;
    for (const c of o.categories) {
      const n = r[c.id] ?? 0;
      if (n === 0) continue;
      const top = a.y((acc + n) / total);
      cols += rect(
        a.x(i) - barW / 2,
        top,
        barW,
        a.y(acc / total) - top,
        c.color,
        `${o.days[i]} ${c.label}：${fmt(n)} 条（${pct(n / total)}）`,
      );
      acc += n;
    }
  });
  const desc = `按日显示各类占比，共 ${o.days.length} 天`;
  return frame({ id: o.id, title: o.title, desc, width, height }, a.out + cols + legend(PLOT.left, 16, o.categories));
}

/** A grid of counts (e.g. weekday × hour), darker for more. */
export function heatMap(o: {
  id: string;
  title: string;
  rows: readonly string[];
  cols: readonly string[];
  values: ReadonlyArray<ReadonlyArray<number>>;
  color: string;
  unit: string;
  /** How a column is named in a cell's tooltip (default: its label). */
  colName?: (col: number) => string;
  width?: number;
}): string {
  const width = o.width ?? 720;
  const max = Math.max(0, ...o.values.flat());
  if (max === 0) return empty({ id: o.id, title: o.title, width });
  const left = 40;
  const top = 22;
  const cell = (width - left - 8) / o.cols.length;
  const h = Math.min(cell, 26);
  let out = '';
  o.cols.forEach((c, j) => {
    if (o.cols.length <= 24 || j % 2 === 0) out += text(left + cell * (j + 0.5), top - 8, c, 'text-anchor="middle" class="axis"');
  });
  o.values.forEach((row, i) => {
    const label = o.rows[i] ?? '';
    out += text(left - 6, top + h * (i + 0.5), label, 'text-anchor="end" dominant-baseline="middle" class="axis"');
    row.forEach((v, j) => {
      // Square root: a few peak hours should not wash every other hour out to white.
      const level = v === 0 ? 0 : 0.12 + 0.88 * Math.sqrt(v / max);
      const tip = `${label} ${o.colName ? o.colName(j) : o.cols[j]}：${fmt(v)} ${o.unit}`;
      out += rect(
        left + cell * j + 1,
        top + h * i + 1,
        cell - 2,
        h - 2,
        v === 0 ? '#f1f3f5' : o.color,
        tip,
        v === 0 ? 'rx="2"' : `rx="2" fill-opacity="${round(level * 100) / 100}"`,
      );
    });
  });
  const keyY = top + h * o.rows.length + 14;
  let key = text(left, keyY + 4, '少', 'dominant-baseline="middle" class="axis"');
  [0.15, 0.35, 0.55, 0.8, 1].forEach((l, k) => {
    key += rect(left + 18 + k * 16, keyY - 2, 14, 12, o.color, undefined, `fill-opacity="${l}"`);
  });
  key += text(left + 18 + 5 * 16 + 4, keyY + 4, `多（最多 ${fmt(max)} ${o.unit}）`, 'dominant-baseline="middle" class="axis"');
  const desc = `颜色越深${o.unit === '条' ? '消息' : ''}越多，单格最多 ${fmt(max)} ${o.unit}`;
  return frame({ id: o.id, title: o.title, desc, width, height: keyY + 16 }, out + key);
}

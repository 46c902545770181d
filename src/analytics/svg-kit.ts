/**
 * Building blocks of the server-rendered charts: the accessible frame,
 * axis scales, legends and text measurement. Strings out, no DOM, no
 * script: a chart is the same in the dashboard, the report file and print.
 */
import { esc } from './escape.js';

export const FONT = 12;

/** Width of a label in px: Chinese (and full-width) characters are square, Latin about 0.6 em. */
export function textWidth(text: string, size = FONT): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/u.test(ch) ? size : size * 0.6;
  return w;
}

/** Cuts a label to `max` px with an ellipsis (the full text stays in the element's <title>). */
export function clipLabel(text: string, max: number, size = FONT): string {
  if (textWidth(text, size) <= max) return text;
  let out = '';
  for (const ch of text) {
    if (textWidth(`${out}${ch}…`, size) > max) break;
    out += ch;
  }
  return `${out}…`;
}

/** 0 … a round maximum at or above `max`, in at most five steps of 1, 2 or 5 × 10ⁿ. */
export function niceScale(max: number, integer = true): { max: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, ticks: [0, 1] };
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = ([1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw * 2) as number;
  if (integer) step = Math.max(1, Math.round(step));
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { max: top, ticks };
}

export const fmt = (n: number): string => n.toLocaleString('en-US');
export const pct = (x: number | null, digits = 1): string => (x === null ? '—' : `${(x * 100).toFixed(digits)}%`);

/** The outer <svg>: role img, named by its <title> and described by its <desc> (read by screen readers). */
export function frame(o: { id: string; title: string; desc: string; width: number; height: number }, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${esc(o.id)}" viewBox="0 0 ${o.width} ${Math.ceil(o.height)}"` +
    ` width="${o.width}" height="${Math.ceil(o.height)}" role="img" aria-labelledby="${esc(o.id)}-title ${esc(o.id)}-desc">` +
    `<title id="${esc(o.id)}-title">${esc(o.title)}</title><desc id="${esc(o.id)}-desc">${esc(o.desc)}</desc>${body}</svg>`
  );
}

/** A chart with nothing to show still has its frame, so the layout and the accessible name stay. */
export function empty(o: { id: string; title: string; width: number; height?: number }): string {
  const height = o.height ?? 80;
  return frame(
    { ...o, height, desc: '所选时段内暂无数据' },
    `<text x="${o.width / 2}" y="${height / 2}" text-anchor="middle" dominant-baseline="middle" class="muted">暂无数据</text>`,
  );
}

export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${round(x)}" y="${round(y)}"${attrs ? ` ${attrs}` : ''}>${esc(content)}</text>`;
}

export function rect(x: number, y: number, w: number, h: number, fill: string, tip?: string, attrs = ''): string {
  const r = `<rect x="${round(x)}" y="${round(y)}" width="${round(Math.max(0, w))}" height="${round(Math.max(0, h))}" fill="${esc(fill)}"${attrs ? ` ${attrs}` : ''}`;
  return tip ? `${r}><title>${esc(tip)}</title></rect>` : `${r}/>`;
}

/** A row of colour keys, left to right from (x, y). */
export function legend(x: number, y: number, items: ReadonlyArray<{ label: string; color: string }>): string {
  let at = x;
  let out = '';
  for (const item of items) {
    out += rect(at, y - 9, 10, 10, item.color) + text(at + 14, y, item.label, 'class="legend"');
    at += 14 + textWidth(item.label) + 16;
  }
  return `<g class="legend">${out}</g>`;
}

export const round = (n: number): number => Math.round(n * 10) / 10;

/** MM-DD of a YYYY-MM-DD day, for axis labels. */
export const shortDay = (day: string): string => day.slice(5);

/** Indexes of the x labels to print: about `max` of them, evenly spaced, always the first and the last. */
export function labelEvery(count: number, max = 10): Set<number> {
  if (count <= max) return new Set(Array.from({ length: count }, (_, i) => i));
  const step = Math.ceil((count - 1) / (max - 1));
  const shown = new Set<number>();
  for (let i = 0; i < count; i += step) shown.add(i);
  // The last day matters most to a reader; drop its neighbour rather than it.
  if (!shown.has(count - 1)) {
    shown.delete([...shown].pop() as number);
    shown.add(count - 1);
  }
  return shown;
}

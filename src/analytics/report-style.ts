/**
 * The report's one stylesheet, and the Content-Security-Policy that allows
 * exactly it. The page has no script at all, so scripts are refused
 * outright; the stylesheet is allowed by its hash rather than by
 * 'unsafe-inline', so an injected <style> or style attribute would not
 * apply either. Charts use SVG presentation attributes (fill, x, width),
 * which CSP does not govern.
 */
import { createHash } from 'node:crypto';

export const REPORT_CSS = `
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f3f4f6; --panel: #fff; --brand: #c8102e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.55 system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: var(--ink); background: var(--bg); }
a { color: #1d4ed8; }
.top { background: var(--panel); border-bottom: 3px solid var(--brand); padding: 16px 24px; display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: flex-end; justify-content: space-between; }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 10px; }
.sub, .muted, .note { color: var(--muted); }
.sub { margin: 4px 0 0; font-size: 13px; }
.range { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; font-size: 13px; }
.range input { font: inherit; padding: 4px 6px; border: 1px solid #d1d5db; border-radius: 6px; }
.range button { font: inherit; padding: 4px 14px; border: 1px solid var(--brand); background: var(--brand); color: #fff; border-radius: 6px; cursor: pointer; }
.range .quick a { margin-left: 6px; }
main { max-width: 1160px; margin: 0 auto; padding: 16px 24px 32px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(118px, 1fr)); gap: 12px; margin-bottom: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .note { font-size: 12px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin-bottom: 16px; break-inside: avoid; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 0 16px; }
.shares { display: flex; flex-wrap: wrap; gap: 6px 20px; margin: 0 0 8px; font-size: 13px; }
.shares b { font-variant-numeric: tabular-nums; }
.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
.chart text { fill: #374151; }
.chart .axis, .chart .legend { fill: var(--muted); font-size: 11px; }
.chart .value { fill: var(--ink); font-variant-numeric: tabular-nums; }
.chart .muted { fill: #9ca3af; font-size: 14px; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 500; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { word-break: break-all; }
.examples { color: var(--muted); font-size: 12px; }
.defs dt { font-weight: 600; margin-top: 6px; }
.defs dd { margin: 0 0 0 1em; color: #374151; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 0 24px 24px; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: #fff; font-size: 12px; }
  .top { border-bottom-width: 2px; padding: 0 0 8px; }
  .range { display: none; }
  main { padding: 8px 0; max-width: none; }
  .panel, .card { border-color: #d1d5db; }
  .grid2 { display: block; }
  a { color: inherit; text-decoration: none; }
}
`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(REPORT_CSS).digest('base64')}'`;

/** For the report file (a <meta> policy: file:// has no headers). */
export const REPORT_META_CSP = `default-src 'none'; script-src 'none'; style-src ${STYLE_HASH}; img-src data:; base-uri 'none'`;

/** For the dashboard served by the app (header): also no framing, and the range form submits only to the app. */
export const DASHBOARD_CSP = `${REPORT_META_CSP}; form-action 'self'; frame-ancestors 'none'`;

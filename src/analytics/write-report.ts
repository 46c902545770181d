/** Writes a report to disk: the self-contained HTML and the CSV tables, named by their range. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reportCsv } from './report-csv.js';
import { renderReport } from './report-html.js';
import type { ServiceAnalytics } from './summarise.js';

export const reportName = (a: ServiceAnalytics) => `report-${a.range.from}-${a.range.to}`;

/** Returns the paths written, the HTML first. Existing files of the same range are replaced (a rerun refreshes them). */
export function writeReport(a: ServiceAnalytics, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, reportName(a));
  const files: Array<[string, string]> = [
    [`${base}.html`, renderReport(a)],
    ...reportCsv(a).map((f) => [`${base}-${f.name}`, f.content] as [string, string]),
  ];
  for (const [file, content] of files) writeFileSync(file, content, 'utf8');
  return files.map(([file]) => file);
}

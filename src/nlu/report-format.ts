/** Human-readable rendering of an evaluation report for the CLIs. */
import type { EvaluationReport } from './metrics.js';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

export function formatReport(r: EvaluationReport, options: { confusions?: number } = {}): string {
  const lines: string[] = [];
  lines.push(`lines               ${r.n}`);
  lines.push(`accuracy            ${pct(r.accuracy)}   (None threshold applied)`);
  lines.push(`top-1 accuracy      ${pct(r.top1Accuracy)}   (arg-max, threshold ignored)`);
  lines.push(`macro-F1            ${pct(r.macroF1)}`);
  lines.push(`in-scope accuracy   ${pct(r.inScopeAccuracy)}`);
  lines.push(`out-of-scope        recall ${pct(r.oosRecall)}  precision ${pct(r.oosPrecision)}`);
  lines.push('');
  lines.push('per intent          precision  recall     F1  support');
  for (const [id, m] of Object.entries(r.perIntent)) {
    if (m.support === 0 && m.precision === 0) continue;
    lines.push(
      `${id.padEnd(22)} ${pct(m.precision).padStart(7)} ${pct(m.recall).padStart(7)} ${pct(m.f1).padStart(7)} ${String(m.support).padStart(7)}`,
    );
  }
  const top = r.confusions.slice(0, options.confusions ?? 15);
  if (top.length > 0) {
    lines.push('');
    lines.push('most frequent confusions (expected → predicted)');
    for (const c of top) lines.push(`  ${String(c.count).padStart(3)}  ${c.expected} → ${c.predicted}`);
  }
  if (r.slowest.length > 0) {
    lines.push('');
    // Lengths, not texts: this report is printed for the held-out split (npm run train, npm run eval), whose
    // lines must not reach whoever writes training data; `npm run bench:nlu` times texts in detail.
    lines.push('slowest utterances (whole understanding step)');
    for (const s of r.slowest) lines.push(`  ${s.ms.toFixed(2).padStart(8)} ms  ${[...s.text].length} characters`);
  }
  return lines.join('\n');
}

/** The side-by-side comparison `npm run retrain` prints: overall, per intent, confusions, verdict. */
import { DEFAULT_GATE, type GateRules, type RateChange } from './gate.js';
import type { RetrainResult, SetScores } from './retrain.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const signed = (x: number) => `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}`;

function row(label: string, current: number | null | undefined, candidate: number | null | undefined, note = ''): string {
  const delta =
    current === null || current === undefined || candidate === null || candidate === undefined ? '' : signed(candidate - current);
  return `${label.padEnd(30)} ${pct(current).padStart(8)} ${pct(candidate).padStart(10)} ${delta.padStart(8)}${note ? `   ${note}` : ''}`;
}

const setRow = (name: string, s: SetScores, note = '') =>
  s.lines === 0
    ? `${`${name} (0 lines)`.padEnd(30)} ${'—'.padStart(8)} ${'—'.padStart(10)}`
    : row(`${name} (${s.lines} lines)`, s.current?.accuracy, s.candidate.accuracy, note);

function recallNote(c: RateChange, rules: GateRules): string {
  if (c.blocking) return 'REFUSES';
  if (c.linesLost > 0 && c.current - c.candidate > rules.maxRecallDrop) {
    return `${c.linesLost} line${c.linesLost === 1 ? '' : 's'} lost (tolerated: fewer than ${rules.minLinesLost})`;
  }
  return '';
}

export function formatRetrain(r: RetrainResult, options: { rules?: GateRules; confusions?: number } = {}): string {
  const rules = options.rules ?? DEFAULT_GATE;
  const top = options.confusions ?? 10;
  const out: string[] = [];
  out.push(`candidate ${r.candidate} (trained in ${r.trainingSeconds} s)   vs   current ${r.previous ?? '—'}`);
  out.push(
    `reviewed items: ${r.reviewed.train} trained on, ${r.reviewed.regression} in the regression set` +
      (r.reviewed.heldoutDuplicates ? `, ${r.reviewed.heldoutDuplicates} left out (already held-out lines)` : ''),
  );
  if (r.problem) out.push(`no comparison: ${r.problem}`);
  out.push('');
  out.push(`${'accuracy'.padEnd(30)} ${'current'.padStart(8)} ${'candidate'.padStart(10)} ${'delta'.padStart(8)}`);
  out.push(setRow('held-out', r.heldout));
  out.push(setRow('regression', r.regression));
  const gateNote = `gate: not below -${(rules.maxAccuracyDrop * 100).toFixed(1)} points${r.comparison?.accuracy.blocking ? ' — REFUSES' : ''}`;
  out.push(setRow('together', r.together, r.comparison ? gateNote : ''));
  const t = r.together;
  out.push(row('  in-scope accuracy', t.current?.inScopeAccuracy, t.candidate.inScopeAccuracy));
  out.push(row('  out-of-scope recall', t.current?.oosRecall, t.candidate.oosRecall));
  out.push(row('  macro-F1', t.current?.macroF1, t.candidate.macroF1));
  out.push('');
  out.push(
    `${'recall per intent (together)'.padEnd(30)} ${'current'.padStart(8)} ${'candidate'.padStart(10)} ${'delta'.padStart(8)}  lines`,
  );
  for (const [intent, m] of Object.entries(t.candidate.perIntent)) {
    if (m.support === 0) continue;
    const c = r.comparison?.recall[intent];
    const note = c ? recallNote(c, rules) : '';
    out.push(
      `${row(`  ${intent}`, t.current?.perIntent[intent]?.recall ?? null, m.recall)} ${String(m.support).padStart(6)}${note ? `   ${note}` : ''}`,
    );
  }
  if (r.comparison) {
    for (const [title, list] of [
      ['confusions that got worse', r.comparison.worse],
      ['confusions that got better', r.comparison.better],
    ] as const) {
      out.push('');
      out.push(`${title} (expected → predicted: current → candidate)${list.length === 0 ? ': none' : ''}`);
      for (const c of list.slice(0, top)) {
        out.push(
          `  ${`${c.delta > 0 ? '+' : ''}${c.delta}`.padStart(4)}  ${`${c.expected} → ${c.predicted}`.padEnd(48)} ${c.current} → ${c.candidate}`,
        );
      }
      if (list.length > top) out.push(`  … ${list.length - top} more`);
    }
  }
  out.push('');
  out.push(verdict(r));
  return out.join('\n');
}

export function verdict(r: RetrainResult): string {
  const reasons = r.comparison?.reasons ?? (r.problem ? [r.problem] : []);
  switch (r.outcome) {
    case 'first':
      return `PROMOTED ${r.candidate}: there was no current model, so the candidate becomes it.`;
    case 'promoted':
      return `PROMOTED ${r.candidate}: the gate passed.`;
    case 'forced':
      return `PROMOTED ${r.candidate} BY FORCE although the gate refused it:\n${reasons.map((x) => `  - ${x}`).join('\n')}`;
    case 'refused':
      return (
        `REFUSED ${r.candidate} (kept on disk, recorded as rejected); ${r.previous} stays active:\n` +
        `${reasons.map((x) => `  - ${x}`).join('\n')}\n` +
        'Fix the corpus and retrain, or promote anyway with --force "reason" (the reason is recorded).'
      );
  }
}

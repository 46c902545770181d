/**
 * The promotion gate: compares a candidate's evaluation with the current
 * model's on the same lines (held-out split + regression set) and says
 * whether the candidate may replace it. Pure: reports in, verdict out.
 *
 * A candidate passes when overall accuracy is not lower by more than 0.5
 * points and no intent's recall is lower by more than 5 points. A drop only
 * counts when it is also at least two test lines: with 16 held-out lines per
 * intent one line is 6.25 points, so without that floor any single line
 * changing sides would refuse every retrain, and a single line is within
 * what retraining on new data moves. Two lines lost on an intent with 16 are
 * 12.5 points, and every lost line still shows in the confusions (docs/nlu.md).
 */
import type { EvaluationReport } from './metrics.js';

export interface GateRules {
  /** Largest allowed drop of overall accuracy (fraction: 0.005 = 0.5 points). */
  maxAccuracyDrop: number;
  /** Largest allowed drop of one intent's recall (fraction). */
  maxRecallDrop: number;
  /** A drop beyond a limit refuses only when it is at least this many lines. */
  minLinesLost: number;
}

export const DEFAULT_GATE: GateRules = { maxAccuracyDrop: 0.005, maxRecallDrop: 0.05, minLinesLost: 2 };

export interface RateChange {
  /** Lines this rate is over. */
  n: number;
  current: number;
  candidate: number;
  /** candidate − current (fraction). */
  delta: number;
  /** Net lines the candidate gets wrong that the current model got right (negative when it gains). */
  linesLost: number;
  /** This change refuses the candidate. */
  blocking: boolean;
}

export interface ConfusionChange {
  expected: string;
  predicted: string;
  current: number;
  candidate: number;
  /** candidate − current: positive is worse. */
  delta: number;
}

export interface Comparison {
  accuracy: RateChange;
  /** Recall per intent (None included), by intent id. */
  recall: Record<string, RateChange>;
  /** Confusions the candidate makes more often, most added first. */
  worse: ConfusionChange[];
  /** Confusions the candidate makes less often, most removed first. */
  better: ConfusionChange[];
  promote: boolean;
  /** Why the candidate is refused (empty when it passes). */
  reasons: string[];
}

const EPSILON = 1e-9;
const points = (x: number) => `${(x * 100).toFixed(1)}`;

function change(n: number, currentHits: number, candidateHits: number, maxDrop: number, rules: GateRules): RateChange {
  const current = n === 0 ? 0 : currentHits / n;
  const candidate = n === 0 ? 0 : candidateHits / n;
  const linesLost = currentHits - candidateHits;
  const blocking = current - candidate > maxDrop + EPSILON && linesLost >= rules.minLinesLost;
  return { n, current, candidate, delta: candidate - current, linesLost, blocking };
}

const hits = (rate: number, n: number) => Math.round(rate * n);

export function compareEvaluations(current: EvaluationReport, candidate: EvaluationReport, rules: GateRules = DEFAULT_GATE): Comparison {
  if (current.n !== candidate.n) throw new Error(`evaluations are over different lines (${current.n} vs ${candidate.n})`);
  const reasons: string[] = [];
  const accuracy = change(
    current.n,
    hits(current.accuracy, current.n),
    hits(candidate.accuracy, candidate.n),
    rules.maxAccuracyDrop,
    rules,
  );
  if (accuracy.blocking) {
    reasons.push(
      `overall accuracy ${points(accuracy.current)}% → ${points(accuracy.candidate)}% (${points(accuracy.delta)} points, ` +
        `${accuracy.linesLost} lines; the limit is -${points(rules.maxAccuracyDrop)})`,
    );
  }
  const recall: Record<string, RateChange> = {};
  const intents = new Set([...Object.keys(current.perIntent), ...Object.keys(candidate.perIntent)]);
  for (const intent of [...intents].sort()) {
    const a = current.perIntent[intent];
    const b = candidate.perIntent[intent];
    const n = a?.support ?? b?.support ?? 0;
    if (n === 0) continue;
    if ((b?.support ?? 0) !== n) throw new Error(`evaluations are over different lines (${intent}: ${n} vs ${b?.support ?? 0})`);
    const c = change(n, hits(a?.recall ?? 0, n), hits(b?.recall ?? 0, n), rules.maxRecallDrop, rules);
    recall[intent] = c;
    if (c.blocking) {
      reasons.push(
        `recall of ${intent} ${points(c.current)}% → ${points(c.candidate)}% (${points(c.delta)} points, ` +
          `${c.linesLost} of ${n} lines; the limit is -${points(rules.maxRecallDrop)})`,
      );
    }
  }
  const { worse, better } = confusionChanges(current, candidate);
  return { accuracy, recall, worse, better, promote: reasons.length === 0, reasons };
}

function confusionChanges(current: EvaluationReport, candidate: EvaluationReport): { worse: ConfusionChange[]; better: ConfusionChange[] } {
  const pairs = new Map<string, ConfusionChange>();
  const at = (expected: string, predicted: string) => {
    const key = `${expected}\u0000${predicted}`;
    let c = pairs.get(key);
    if (!c) {
      c = { expected, predicted, current: 0, candidate: 0, delta: 0 };
      pairs.set(key, c);
    }
    return c;
  };
  for (const c of current.confusions) at(c.expected, c.predicted).current = c.count;
  for (const c of candidate.confusions) at(c.expected, c.predicted).candidate = c.count;
  const all = [...pairs.values()].map((c) => ({ ...c, delta: c.candidate - c.current }));
  const byMagnitude = (a: ConfusionChange, b: ConfusionChange) =>
    Math.abs(b.delta) - Math.abs(a.delta) || a.expected.localeCompare(b.expected) || a.predicted.localeCompare(b.predicted);
  return {
    worse: all.filter((c) => c.delta > 0).sort(byMagnitude),
    better: all.filter((c) => c.delta < 0).sort(byMagnitude),
  };
}

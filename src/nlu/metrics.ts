/**
 * Evaluation metrics for intent classification with an out-of-scope class.
 * Definitions follow the maintainer CLI contract (see README, `npm run eval`).
 */
import { OUT_OF_SCOPE } from '../core/parse.js';

export interface Prediction {
  text: string;
  expected: string;
  /** After the None threshold. */
  predicted: string;
  /** Arg-max, threshold ignored. */
  top1: string;
  score: number;
  /** Milliseconds the whole understanding step took. */
  ms: number;
}

export interface IntentMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvaluationReport {
  n: number;
  accuracy: number;
  top1Accuracy: number;
  macroF1: number;
  inScopeAccuracy: number | null;
  oosRecall: number | null;
  oosPrecision: number | null;
  perIntent: Record<string, IntentMetrics>;
  confusions: Array<{ expected: string; predicted: string; count: number }>;
  slowest: Array<{ text: string; ms: number }>;
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);

export function evaluatePredictions(preds: readonly Prediction[]): EvaluationReport {
  const n = preds.length;
  const labels = new Set<string>();
  for (const p of preds) labels.add(p.expected).add(p.predicted);
  const tp = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const support = new Map<string, number>();
  const confusion = new Map<string, number>();
  let correct = 0;
  let top1Correct = 0;
  let inScope = 0;
  let inScopeCorrect = 0;
  for (const p of preds) {
    support.set(p.expected, (support.get(p.expected) ?? 0) + 1);
    predictedCount.set(p.predicted, (predictedCount.get(p.predicted) ?? 0) + 1);
    if (p.predicted === p.expected) {
      correct++;
      tp.set(p.expected, (tp.get(p.expected) ?? 0) + 1);
    } else {
      const key = `${p.expected}\u0000${p.predicted}`;
      confusion.set(key, (confusion.get(key) ?? 0) + 1);
    }
    if (p.top1 === p.expected) top1Correct++;
    if (p.expected !== OUT_OF_SCOPE) {
      inScope++;
      if (p.predicted === p.expected) inScopeCorrect++;
    }
  }
  const perIntent: Record<string, IntentMetrics> = {};
  let f1Sum = 0;
  let f1Count = 0;
  for (const label of [...labels].sort()) {
    const t = tp.get(label) ?? 0;
    const s = support.get(label) ?? 0;
    const pc = predictedCount.get(label) ?? 0;
    const precision = pc === 0 ? 0 : t / pc;
    const recall = s === 0 ? 0 : t / s;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perIntent[label] = { precision, recall, f1, support: s };
    // Macro-F1 averages over the labels that occur in the data.
    if (s > 0) {
      f1Sum += f1;
      f1Count++;
    }
  }
  const oosSupport = support.get(OUT_OF_SCOPE) ?? 0;
  const oosHits = tp.get(OUT_OF_SCOPE) ?? 0;
  const confusions = [...confusion.entries()]
    .map(([k, count]) => {
      const [expected, predicted] = k.split('\u0000') as [string, string];
      return { expected, predicted, count };
    })
    .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected));
  return {
    n,
    accuracy: n === 0 ? 0 : correct / n,
    top1Accuracy: n === 0 ? 0 : top1Correct / n,
    macroF1: f1Count === 0 ? 0 : f1Sum / f1Count,
    inScopeAccuracy: ratio(inScopeCorrect, inScope),
    oosRecall: oosSupport === 0 ? null : oosHits / oosSupport,
    oosPrecision: oosSupport === 0 ? null : ratio(oosHits, predictedCount.get(OUT_OF_SCOPE) ?? 0),
    perIntent,
    confusions,
    slowest: [...preds]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((p) => ({ text: p.text, ms: p.ms })),
  };
}

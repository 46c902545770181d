/**
 * Choosing the out-of-scope threshold from held-out predictions, not by
 * guess. Training makes out-of-fold predictions (each utterance scored by a
 * model that never saw it); this picks the score below which the arg-max is
 * replaced by None so that balanced accuracy over those predictions — the
 * mean of in-scope accuracy and out-of-scope recall — is highest. Plain
 * accuracy would let the majority (in-scope lines, ~92% of the corpus)
 * decide alone and measured to pick 0, i.e. never say "I don't know".
 * Ties go to the lower threshold (answer more, escalate less).
 */
import { OUT_OF_SCOPE } from '../core/parse.js';

export interface ScoredOutcome {
  expected: string;
  top1: string;
  /** The confidence signal being calibrated (share or activation). */
  score: number;
}

export interface Calibration {
  threshold: number;
  /** Balanced accuracy of the out-of-fold predictions at that threshold. */
  accuracy: number;
  n: number;
}

export function calibrateThreshold(outcomes: readonly ScoredOutcome[], candidates?: readonly number[]): Calibration {
  const grid = candidates ?? Array.from({ length: 96 }, (_, i) => i / 100);
  let best: Calibration = { threshold: 0, accuracy: -1, n: outcomes.length };
  const oos = outcomes.filter((o) => o.expected === OUT_OF_SCOPE).length;
  const inScope = outcomes.length - oos;
  for (const threshold of grid) {
    let inCorrect = 0;
    let oosCorrect = 0;
    for (const o of outcomes) {
      const predicted = o.top1 !== OUT_OF_SCOPE && o.score >= threshold ? o.top1 : OUT_OF_SCOPE;
      if (predicted !== o.expected) continue;
      if (o.expected === OUT_OF_SCOPE) oosCorrect++;
      else inCorrect++;
    }
    const parts = [inScope ? inCorrect / inScope : null, oos ? oosCorrect / oos : null].filter((x): x is number => x !== null);
    const accuracy = parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : 0;
    if (accuracy > best.accuracy) best = { threshold, accuracy, n: outcomes.length };
  }
  return best;
}

/** Deterministic k-fold split (round-robin per intent, so every fold sees every intent). */
export function stratifiedFolds<T extends { intent: string }>(rows: readonly T[], k: number): T[][] {
  const folds: T[][] = Array.from({ length: k }, () => []);
  const counters = new Map<string, number>();
  for (const row of rows) {
    const c = counters.get(row.intent) ?? 0;
    counters.set(row.intent, c + 1);
    (folds[c % k] as T[]).push(row);
  }
  return folds;
}

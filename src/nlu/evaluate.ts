/** Runs a model over labelled lines and scores it. */
import type { LabelledText } from './corpus.js';
import { type EvaluationReport, evaluatePredictions, type Prediction } from './metrics.js';
import type { NluModel } from './model.js';

export function predictAll(model: NluModel, rows: readonly LabelledText[], now = new Date()): Prediction[] {
  return rows.map((row) => {
    const t0 = performance.now();
    const parse = model.parse(row.text, now);
    const ms = performance.now() - t0;
    return { text: row.text, expected: row.intent, predicted: parse.intent, top1: parse.topIntent, score: parse.score, ms };
  });
}

export function evaluateModel(model: NluModel, rows: readonly LabelledText[]): EvaluationReport {
  return evaluatePredictions(predictAll(model, rows));
}

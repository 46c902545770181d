/**
 * One dispatch decision: the department model's ranking of a message, and
 * whether its best department is confident enough to dispatch to or the
 * ticket waits in 待分派 for a person. Serving, evaluation and the retrain
 * gate all decide through here, so they judge the same thing.
 */
import type { DepartmentPrediction } from '../core/dispatch.js';
import { OUT_OF_SCOPE } from '../core/parse.js';
import type { Prediction } from '../nlu/metrics.js';
import type { NluModel } from '../nlu/model.js';
import type { Departments } from './departments.js';

/** How many departments a prediction offers staff (the top one included). */
export const ALTERNATIVES = 3;

export function decideDepartment(model: NluModel, text: string, minScore: number, departments: Departments): DepartmentPrediction {
  const parse = model.classify(text);
  // NLP.js's None class (no known feature, or none that points anywhere) is no department;
  // nor is one the model knows but the list no longer has.
  const ranked = parse.alternatives.filter((a) => a.intent !== OUT_OF_SCOPE && a.score > 0 && departments.has(a.intent));
  const alternatives = ranked.slice(0, ALTERNATIVES).map((a) => ({ department: a.intent, score: a.score }));
  const best = alternatives[0];
  // When None ranks first the message names no department: 待分派, whatever the runner-up scored.
  const confident = best !== undefined && parse.topIntent === best.department && best.score >= minScore;
  return {
    department: confident ? best.department : null,
    score: best?.score ?? 0,
    alternatives,
    modelVersion: model.version,
  };
}

/** Predictions in the evaluation's terms: 待分派 is scored as None (a miss, never a hit). */
export function predictDepartments(
  model: NluModel,
  rows: ReadonlyArray<{ text: string; intent: string }>,
  minScore: number,
  departments: Departments,
): Prediction[] {
  return rows.map((row) => {
    const t0 = performance.now();
    const p = decideDepartment(model, row.text, minScore, departments);
    const ms = performance.now() - t0;
    return {
      text: row.text,
      expected: row.intent,
      predicted: p.department ?? OUT_OF_SCOPE,
      top1: p.alternatives[0]?.department ?? OUT_OF_SCOPE,
      score: p.score,
      ms,
    };
  });
}

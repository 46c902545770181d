/**
 * Retrain use case: trains a candidate from the corpus, evaluates it and the
 * current model on the same lines (held-out split + regression set), and
 * promotes it only if the gate passes, or when forced with a reason, which
 * is recorded. A refused candidate stays on disk, recorded as rejected.
 * Training runs on worker threads and reports progress, so a server could
 * run this too.
 */
import { AppError } from '../core/errors.js';
import type { ModelRegistry } from '../core/model-registry.js';
import { loadArtifact } from './artifact.js';
import { findLeaks, trainingSet } from './corpus.js';
import { type Comparison, compareEvaluations, type GateRules } from './gate.js';
import { type EvaluationReport, evaluatePredictions, type Prediction } from './metrics.js';
import type { NluModel } from './model.js';
import { INTENT_KIND, type ModelKindSpec } from './model-kind.js';
import type { ModelStore } from './model-store.js';
import { promoteVersion, registerDiskVersions } from './model-versions.js';
import { textKey } from './reviewed.js';
import { type TrainOptions, type TrainProgress, trainModel } from './train.js';

/** first: there was no current model, so the candidate became it. */
export type RetrainOutcome = 'promoted' | 'forced' | 'first' | 'refused';

export type RetrainProgress = TrainProgress | { stage: 'comparing'; lines: number; current: string | null };

/** One test set, scored by both models (current is null when there is none to compare). */
export interface SetScores {
  lines: number;
  current: EvaluationReport | null;
  candidate: EvaluationReport;
}

export interface RetrainResult {
  candidate: string;
  trainingSeconds: number;
  /** The version that was current before this run. */
  previous: string | null;
  heldout: SetScores;
  regression: SetScores;
  /** Held-out and regression lines together: what the gate judges. */
  together: SetScores;
  /** Null when there was no current model to compare with (see `problem`). */
  comparison: Comparison | null;
  problem: string | null;
  reviewed: { train: number; regression: number; heldoutDuplicates: number };
  outcome: RetrainOutcome;
}

export interface RetrainOptions {
  /** Which model (default: the intent model); store and registry must be this kind's. */
  kind?: ModelKindSpec;
  corpusDir: string;
  store: ModelStore;
  registry: ModelRegistry;
  /** Who runs it (recorded with a promotion). */
  by: string;
  /** Promote even when the gate refuses; this reason is recorded. */
  force?: string;
  rules?: GateRules;
  training?: Pick<TrainOptions, 'folds' | 'neural' | 'parallel'>;
  onProgress?: (p: RetrainProgress) => void;
  now?: () => number;
}

export async function retrain(o: RetrainOptions): Promise<RetrainResult> {
  if (o.force !== undefined && !o.force.trim()) throw new AppError('BAD_REQUEST', '--force needs a reason, e.g. --force "new intent"');
  const progress = o.onProgress ?? (() => {});
  const now = o.now ?? Date.now;
  const kind = o.kind ?? INTENT_KIND;
  await registerDiskVersions(o.registry, o.store);
  const corpus = kind.loadCorpus(o.corpusDir);
  const training = trainingSet(corpus);
  const lines = [...corpus.test, ...corpus.reviewed.regression];
  if (lines.length === 0) throw new AppError('DATA_INVALID', `${o.corpusDir}: no held-out split and no regression set to compare on`);
  const leaks = findLeaks(training, lines, textKey);
  if (leaks.length > 0) {
    throw new AppError('CORPUS_INVALID', `${leaks.length} test line(s) also occur in training, e.g. ${JSON.stringify(leaks[0]?.text)}`);
  }

  const { model } = await trainModel({
    kind: kind.kind,
    ...kind.training,
    train: training,
    test: corpus.test,
    terms: corpus.terms,
    corrections: corpus.corrections,
    corpusHash: corpus.hash,
    aspects: corpus.aspects,
    onProgress: progress,
    ...o.training,
  });
  const previous = o.store.currentVersion();
  progress({ stage: 'comparing', lines: lines.length, current: previous });
  const held = corpus.test.length;
  const score = (preds: Prediction[]) => ({
    heldout: evaluatePredictions(preds.slice(0, held)),
    regression: evaluatePredictions(preds.slice(held)),
    together: evaluatePredictions(preds),
  });
  const candidate = score(kind.predict(model, lines));
  o.store.save(model);
  await o.registry.record({
    version: model.version,
    createdAt: Date.parse(model.manifest.createdAt),
    corpusHash: corpus.hash,
    metrics: {
      heldoutAccuracy: held > 0 ? candidate.heldout.accuracy : null,
      heldoutLines: held,
      regressionAccuracy: lines.length > held ? candidate.regression.accuracy : null,
      regressionLines: lines.length - held,
    },
  });

  let current: ReturnType<typeof score> | null = null;
  let problem: string | null = previous ? null : 'no current model';
  if (previous) {
    try {
      current = score(kind.predict(loadArtifact(o.store.pathOf(previous)), lines));
    } catch (e) {
      problem = `the current model ${previous} could not be loaded: ${(e as Error).message}`;
    }
  }
  const comparison = current ? compareEvaluations(current.together, candidate.together, o.rules) : null;
  const outcome: RetrainOutcome = !previous ? 'first' : comparison?.promote ? 'promoted' : o.force ? 'forced' : 'refused';
  if (outcome === 'refused') await o.registry.reject(model.version);
  else {
    // What servers will load is the saved artifact: make sure it loads before pointing them at it.
    checkLoads(o.store, model);
    await promoteVersion(o.registry, o.store, model.version, {
      by: o.by,
      at: now(),
      reason: outcome === 'forced' ? (o.force ?? null) : null,
    });
  }
  const set = (k: 'heldout' | 'regression' | 'together', n: number): SetScores => ({
    lines: n,
    current: current?.[k] ?? null,
    candidate: candidate[k],
  });
  return {
    candidate: model.version,
    trainingSeconds: model.manifest.trainingSeconds,
    previous,
    heldout: set('heldout', held),
    regression: set('regression', lines.length - held),
    together: set('together', lines.length),
    comparison,
    problem,
    reviewed: {
      train: corpus.reviewed.train.length,
      regression: corpus.reviewed.regression.length,
      heldoutDuplicates: corpus.reviewed.heldoutDuplicates,
    },
    outcome,
  };
}

function checkLoads(store: ModelStore, model: NluModel): void {
  const loaded = loadArtifact(store.pathOf(model.version));
  if (loaded.version !== model.version) throw new AppError('MODEL_INVALID', `${store.pathOf(model.version)} holds ${loaded.version}`);
}

/**
 * Training use case: labelled texts + dictionary + corrections → NluModel,
 * with the None threshold calibrated on out-of-fold predictions and, when a
 * test split is given, held-out metrics recorded in the manifest.
 */
import { randomBytes } from 'node:crypto';
import { OUT_OF_SCOPE } from '../core/parse.js';
import { AspectModel, DEFAULT_ASPECT_THRESHOLD, deriveAspectWords, deriveTopicTerms } from './aspect-model.js';
import { calibrateThreshold, type ScoredOutcome, stratifiedFolds } from './calibrate.js';
import type { LabelledText } from './corpus.js';
import { type CorrectionTable, mergeCorrections } from './corrections.js';
import { evaluateModel } from './evaluate.js';
import { DEFAULT_FEATURES, type FeatureOptions, featureSteps } from './features.js';
import { createJiebaSegmenter } from './jieba-segmenter.js';
import type { EvaluationReport } from './metrics.js';
import { type ConfidenceSignal, createTextPipeline, type ModelKind, type ModelManifest, NluModel } from './model.js';
import { loadNlpjsClassifier, type NeuralSettings, type TrainingExample } from './nlpjs-classifier.js';
import { pinyinCorrections } from './pinyin.js';
import { runTrainJobs, TOKEN_SEPARATOR, type TrainJob } from './train-pool.js';
import { libraryVersions } from './versions.js';

export type TrainProgress =
  | { stage: 'prepare'; examples: number; intents: number }
  | { stage: 'jobs'; jobs: number; folds: number }
  | { stage: 'epoch'; job: number; epoch: number; error: number }
  | { stage: 'calibrated'; threshold: number; thresholdOn: ConfidenceSignal; accuracy: number }
  | { stage: 'evaluated'; report: EvaluationReport };

export interface TrainOptions {
  /** Recorded in the manifest (default intent). */
  kind?: ModelKind;
  train: readonly LabelledText[];
  test?: readonly LabelledText[];
  terms: readonly string[];
  corrections: CorrectionTable;
  corpusHash: string;
  features?: FeatureOptions;
  neural?: NeuralSettings;
  /** Folds for threshold calibration; below 2 keeps `threshold`. */
  folds?: number;
  /** Used only when folds < 2. */
  threshold?: number;
  /** Used only when folds < 2 (default share). */
  thresholdOn?: ConfidenceSignal;
  /** Training jobs run at once (default: CPU cores). */
  parallel?: number;
  /** Aspect lines (corpus/aspects/): with them the model also reads follow-up questions. */
  aspects?: readonly LabelledText[];
  aspectThreshold?: number;
  /** Add pinyin spellings of the terms to the corrections (default true). */
  pinyin?: boolean;
  onProgress?: (p: TrainProgress) => void;
}

// NLP.js stops on convergence (~97 epochs on the shipped corpus, 76 s with
// calibration). Capping at 60 keeps training under a minute on 2 cores and
// scored higher out-of-fold balanced accuracy than a cap of 40 (docs/nlu.md).
export const DEFAULT_NEURAL: NeuralSettings = { iterations: 60 };
// Two folds keep first-start training of the shipped corpus under a minute on
// 2 cores (measured 52 s; three folds took 89 s for a similar threshold).
export const DEFAULT_FOLDS = 2;

function newVersion(now: Date, corpusHash: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${corpusHash.slice(0, 6)}${randomBytes(1).toString('hex')}`;
}

export async function trainModel(options: TrainOptions): Promise<{ model: NluModel; report: EvaluationReport | null }> {
  const started = performance.now();
  const features = options.features ?? DEFAULT_FEATURES;
  const neural = { ...DEFAULT_NEURAL, ...options.neural };
  const progress = options.onProgress ?? (() => {});
  const segmenter = createJiebaSegmenter(options.terms);
  const corrections =
    options.pinyin === false ? options.corrections : mergeCorrections(options.corrections, pinyinCorrections(options.terms));
  const text = createTextPipeline(segmenter, corrections, features);
  const steps = featureSteps((t) => segmenter.segment(t), features);

  // NLP.js sees normalised, corrected text; its tokenizer-zh only segments.
  const seen = new Set<string>();
  const examples: TrainingExample[] = [];
  for (const row of options.train) {
    const normalised = text.prepare(row.text).normalised;
    const key = `${row.intent}\t${normalised}`;
    if (!normalised || seen.has(key)) continue;
    seen.add(key);
    examples.push({ text: normalised, intent: row.intent });
  }
  const intents = [...new Set(examples.map((e) => e.intent))].sort();
  progress({ stage: 'prepare', examples: examples.length, intents: intents.length });

  const folds = options.folds ?? DEFAULT_FOLDS;
  // Every job (calibration folds, then the final model) trains on worker
  // threads from pre-segmented text; the final model's job runs beside the folds.
  const segmented = examples.map((e) => ({ text: segmenter.segment(e.text).join(TOKEN_SEPARATOR), intent: e.intent }));
  const parts =
    folds >= 2
      ? stratifiedFolds(
          segmented.map((e, i) => ({ ...e, i })),
          folds,
        )
      : [];
  const jobs: TrainJob[] = [
    { examples: segmented, features, neural },
    ...parts.map((_, k) => ({
      examples: parts
        .filter((__, j) => j !== k)
        .flat()
        .map(({ text: t, intent }) => ({ text: t, intent })),
      features,
      neural,
    })),
  ];
  // The aspect classifier trains beside the others, on the same features.
  const aspectExamples: TrainingExample[] = [];
  for (const row of options.aspects ?? []) {
    const normalised = text.prepare(row.text).normalised;
    if (normalised) aspectExamples.push({ text: segmenter.segment(normalised).join(TOKEN_SEPARATOR), intent: row.intent });
  }
  if (aspectExamples.length > 0) jobs.push({ examples: aspectExamples, features, neural });
  progress({ stage: 'jobs', jobs: jobs.length, folds: parts.length });
  const models = await runTrainJobs(jobs, {
    parallel: options.parallel,
    onProgress: (job, epoch, error) => progress({ stage: 'epoch', job, epoch, error }),
  });
  const classifier = loadNlpjsClassifier(models[0], steps);
  const aspects =
    aspectExamples.length > 0
      ? new AspectModel(
          loadNlpjsClassifier(models[models.length - 1], steps),
          options.aspectThreshold ?? DEFAULT_ASPECT_THRESHOLD,
          deriveAspectWords(
            aspectExamples.map((e) => ({ tokens: e.text.split(TOKEN_SEPARATOR), intent: e.intent })),
            deriveTopicTerms(segmented.map((e) => ({ tokens: e.text.split(TOKEN_SEPARATOR), intent: e.intent }))),
          ),
        )
      : null;

  let threshold = options.threshold ?? 0.5;
  let thresholdOn: ConfidenceSignal = options.thresholdOn ?? 'share';
  let calibration: ModelManifest['calibration'] = null;
  if (parts.length > 0) {
    const bySignal: Record<ConfidenceSignal, ScoredOutcome[]> = { share: [], activation: [] };
    parts.forEach((held, k) => {
      const foldModel = loadNlpjsClassifier(models[k + 1], steps);
      for (const ex of held) {
        const feats = text.prepare((examples[ex.i] as TrainingExample).text).features;
        const { ranked, activation } = feats.length ? foldModel.classify(feats) : { ranked: [], activation: 0 };
        const top = ranked[0] ?? { intent: OUT_OF_SCOPE, score: 0 };
        bySignal.share.push({ expected: ex.intent, top1: top.intent, score: top.score });
        bySignal.activation.push({ expected: ex.intent, top1: top.intent, score: activation });
      }
    });
    // Calibrate each signal on the same out-of-fold predictions; keep the better.
    const share = calibrateThreshold(bySignal.share);
    const act = calibrateThreshold(bySignal.activation);
    const [signal, c] = act.accuracy > share.accuracy ? (['activation', act] as const) : (['share', share] as const);
    threshold = c.threshold;
    thresholdOn = signal;
    calibration = { folds, accuracy: c.accuracy, n: c.n, alternatives: { share: share.accuracy, activation: act.accuracy } };
    progress({ stage: 'calibrated', threshold, thresholdOn, accuracy: c.accuracy });
  }

  const now = new Date();
  const manifest: ModelManifest = {
    format: 1,
    kind: options.kind ?? 'intent',
    version: newVersion(now, options.corpusHash),
    createdAt: now.toISOString(),
    corpusHash: options.corpusHash,
    trainingSize: examples.length,
    intents,
    features,
    threshold,
    thresholdOn,
    calibration,
    trainingSeconds: 0,
    libraries: libraryVersions(),
    node: process.version,
    metrics: null,
    ...(aspects
      ? {
          aspects: {
            labels: [...new Set(aspectExamples.map((e) => e.intent))].filter((l) => l !== OUT_OF_SCOPE).sort(),
            trainingSize: aspectExamples.length,
            threshold: aspects.threshold,
            aspectWords: aspects.aspectWordCount,
          },
        }
      : {}),
  };
  const model = new NluModel(manifest, classifier, text, [...options.terms], corrections, aspects);
  let report: EvaluationReport | null = null;
  if (options.test && options.test.length > 0) {
    report = evaluateModel(model, options.test);
    const { slowest: _slowest, ...metrics } = report;
    manifest.metrics = metrics;
    progress({ stage: 'evaluated', report });
  }
  manifest.trainingSeconds = Math.round((performance.now() - started) / 100) / 10;
  return { model, report };
}

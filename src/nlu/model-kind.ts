/**
 * A model kind: what one NLP.js model over the shared pipeline (normalise →
 * correct → jieba with the government terms → features → classifier) is
 * trained on and how its predictions are judged. The intent model and the
 * dispatch (派单) model differ only here; training, artifacts, the store,
 * the holder, hot swap, the retrain gate and promotion are the same code.
 */
import { type Corpus, type LabelledText, loadCorpus } from './corpus.js';
import { predictAll } from './evaluate.js';
import type { Prediction } from './metrics.js';
import type { ModelKind, NluModel } from './model.js';
import type { TrainOptions } from './train.js';

export interface ModelKindSpec {
  kind: ModelKind;
  /** For logs and CLI output, e.g. "dispatch model". */
  label: string;
  /** This kind's corpus: training lines, held-out split, reviewed lines, and the shared dictionary. */
  loadCorpus(corpusDir: string): Corpus;
  /** Training settings this kind always uses (the defaults of train.ts otherwise). */
  training: Pick<TrainOptions, 'folds' | 'threshold' | 'thresholdOn'>;
  /** Predictions as serving would decide them (threshold applied), for evaluation and the gate. */
  predict(model: NluModel, rows: readonly LabelledText[]): Prediction[];
}

export const INTENT_KIND: ModelKindSpec = {
  kind: 'intent',
  label: 'intent model',
  loadCorpus,
  training: {},
  predict: (model, rows) => predictAll(model, rows),
};

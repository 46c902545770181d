/**
 * npm run cv -- --data FILE.jsonl [--data FILE]... [--folds 5] [--repeats 2] [--corpus DIR]
 *
 * Cross-validates the whole training pipeline on a labelled file: the lines
 * are split into stratified folds, each fold is scored by a model trained
 * (threshold calibration included) on the others, and the out-of-fold
 * predictions are reported together. A second repeat splits the lines in
 * reverse order, so every line is predicted twice by different models.
 *
 * This is how a pipeline change is judged on a benchmark without looking at
 * its test split: only the training file is read.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { stratifiedFolds } from '../src/nlu/calibrate.js';
import { hashLabelled, type LabelledText, loadCorpus, readLabelledFile } from '../src/nlu/corpus.js';
import { predictAll } from '../src/nlu/evaluate.js';
import { evaluatePredictions, type Prediction } from '../src/nlu/metrics.js';
import { formatReport } from '../src/nlu/report-format.js';
import { trainModel } from '../src/nlu/train.js';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', multiple: true },
      folds: { type: 'string', default: '5' },
      repeats: { type: 'string', default: '2' },
      corpus: { type: 'string' },
    },
  });
  if (!values.data) throw new AppError('BAD_REQUEST', '--data FILE.jsonl is required');
  const k = Number(values.folds);
  const repeats = Number(values.repeats);
  if (!Number.isInteger(k) || k < 2) throw new AppError('BAD_REQUEST', '--folds must be an integer of at least 2');
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 2) throw new AppError('BAD_REQUEST', '--repeats must be 1 or 2');
  const config = cliConfig();
  // The dictionary and corrections are part of the pipeline, as in eval:taidi.
  const corpus = loadCorpus(values.corpus ? path.resolve(values.corpus) : config.CORPUS_DIR);
  const rows = values.data.flatMap((f) => readLabelledFile(f));
  const predictions: Prediction[] = [];
  for (let r = 0; r < repeats; r++) {
    const ordered = r === 0 ? rows : [...rows].reverse();
    const folds = stratifiedFolds<LabelledText>(ordered, k);
    for (const [i, held] of folds.entries()) {
      const train = folds.filter((_, j) => j !== i).flat();
      const { model } = await trainModel({
        train,
        terms: corpus.terms,
        corrections: corpus.corrections,
        corpusHash: hashLabelled(train),
      });
      predictions.push(...predictAll(model, held));
      console.error(`repeat ${r + 1}/${repeats}, fold ${i + 1}/${k}: ${held.length} lines scored`);
    }
  }
  const { slowest: _slowest, ...report } = evaluatePredictions(predictions);
  console.log(
    `${k}-fold cross-validation × ${repeats} on ${values.data.join(', ')} (${rows.length} lines)\n\n${formatReport({ ...report, slowest: [] })}`,
  );
});

/**
 * npm run train [-- --data FILE.jsonl]... [--test FILE.jsonl] [--out DIR] [--folds N] [--epochs N] [--corpus DIR]
 *
 * Trains on the corpus (corpus/train/*.yaml) or on a JSONL file, calibrates
 * the out-of-scope threshold, writes the artifact and prints held-out
 * metrics. --data may be repeated (e.g. a benchmark's train and dev files). Without --out the model is saved under DATA_DIR/models and made
 * current; with --out it is only written there.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { trainingProgress } from '../src/cli/train-progress.js';
import { writeTrainedModel } from '../src/cli/write-model.js';
import { AppError } from '../src/core/errors.js';
import { findLeaks, hashLabelled, loadCorpus, readLabelledFile, trainingSet } from '../src/nlu/corpus.js';
import { normalise } from '../src/nlu/normalise.js';
import { formatReport } from '../src/nlu/report-format.js';
import { trainModel } from '../src/nlu/train.js';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', multiple: true },
      test: { type: 'string' },
      out: { type: 'string' },
      folds: { type: 'string' },
      epochs: { type: 'string' },
      corpus: { type: 'string' },
    },
  });
  const config = cliConfig();
  const corpus = loadCorpus(values.corpus ? path.resolve(values.corpus) : config.CORPUS_DIR);
  const train = values.data ? values.data.flatMap((f) => readLabelledFile(f)) : trainingSet(corpus);
  const test = values.test ? readLabelledFile(values.test) : values.data ? [] : corpus.test;
  const leaks = findLeaks(train, test, (t) => normalise(t).replace(/[\p{P}\s]/gu, ''));
  if (leaks.length > 0) {
    const sample = leaks
      .slice(0, 3)
      .map((l) => JSON.stringify(l.text))
      .join(', ');
    // Our own corpus must keep its test split out of training. An external
    // benchmark's official split is scored as published, overlap and all.
    if (!values.test) throw new AppError('CORPUS_INVALID', `${leaks.length} test line(s) also occur in training, e.g. ${sample}`);
    console.error(
      `warning: ${leaks.length} line(s) of ${values.test} also occur in the training data (${sample}); scoring the official split as published`,
    );
  }
  // "training on N utterances, M intents" comes from the progress display, as in retrain.
  console.error(`held-out lines: ${test.length}`);
  const { model, report } = await trainModel({
    train,
    test,
    terms: corpus.terms,
    corrections: corpus.corrections,
    corpusHash: values.data ? hashLabelled(train) : corpus.hash,
    // A model trained on another data set (a benchmark) has no follow-ups to read.
    aspects: values.data ? undefined : corpus.aspects,
    folds: values.folds !== undefined ? Number(values.folds) : undefined,
    neural: values.epochs !== undefined ? { iterations: Number(values.epochs) } : undefined,
    onProgress: trainingProgress(),
  });
  const where = writeTrainedModel(model, { out: values.out, modelsDir: config.modelsDir });
  console.log(`model ${model.version} written to ${where}${values.out ? '' : ' (now current)'}`);
  console.log(`training took ${model.manifest.trainingSeconds} s`);
  if (report) console.log(`\nheld-out evaluation\n${formatReport(report)}`);
});

/**
 * npm run train:dispatch [-- --out DIR] [--dev FILE.jsonl] [--epochs N] [--corpus DIR]
 *
 * Trains the dispatch (派单) model on corpus/departments/ (plus its reviewed
 * corrections), saves it under DATA_DIR/dispatch-models and makes it
 * current (with --out it is only written there). Prints held-out metrics
 * when corpus/departments/test/ exists, and --dev scores a development file
 * of {"text", "department"} lines (never the held-out split).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { trainingProgress } from '../src/cli/train-progress.js';
import { writeTrainedModel } from '../src/cli/write-model.js';
import { AppError } from '../src/core/errors.js';
import { predictDepartments } from '../src/dispatch/decide-department.js';
import { parseDepartmentJsonl } from '../src/dispatch/department-corpus.js';
import { dispatchKind } from '../src/dispatch/dispatch-kind-from-config.js';
import { findLeaks, trainingSet } from '../src/nlu/corpus.js';
import { evaluatePredictions } from '../src/nlu/metrics.js';
import { formatReport } from '../src/nlu/report-format.js';
import { textKey } from '../src/nlu/reviewed.js';
import { trainModel } from '../src/nlu/train.js';

runCli(async () => {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, dev: { type: 'string' }, epochs: { type: 'string' }, corpus: { type: 'string' } },
  });
  const config = cliConfig();
  const { departments, kind } = dispatchKind(config);
  const corpus = kind.loadCorpus(values.corpus ? path.resolve(values.corpus) : config.CORPUS_DIR);
  const train = trainingSet(corpus);
  const leaks = findLeaks(train, corpus.test, textKey);
  if (leaks.length > 0)
    // Not the text: whoever trains must not read held-out lines.
    throw new AppError(
      'CORPUS_INVALID',
      `${leaks.length} held-out line(s) also occur in training: remove them from corpus/departments/*.yaml`,
    );
  const dev = values.dev ? parseDepartmentJsonl(readFileSync(values.dev, 'utf8'), values.dev, departments) : [];
  const devLeaks = findLeaks(train, dev, textKey);
  if (devLeaks.length > 0)
    console.error(`warning: ${devLeaks.length} dev line(s) also occur in training, e.g. ${JSON.stringify(devLeaks[0]?.text)}`);
  console.error(`held-out lines: ${corpus.test.length}${corpus.test.length === 0 ? ' (corpus/departments/test/ is absent)' : ''}`);
  const { model, report } = await trainModel({
    kind: kind.kind,
    ...kind.training,
    train,
    test: corpus.test,
    terms: corpus.terms,
    corrections: corpus.corrections,
    corpusHash: corpus.hash,
    neural: values.epochs !== undefined ? { iterations: Number(values.epochs) } : undefined,
    onProgress: trainingProgress(),
  });
  const where = writeTrainedModel(model, { out: values.out, modelsDir: config.dispatchModelsDir });
  console.log(`dispatch model ${model.version} written to ${where}${values.out ? '' : ' (now current)'}`);
  console.log(`training took ${model.manifest.trainingSeconds} s`);
  // Aggregates only: the slowest lines' texts would show held-out lines to whoever reads the output.
  if (report) console.log(`\nheld-out evaluation\n${formatReport({ ...report, slowest: [] })}`);
  if (dev.length > 0) {
    const devReport = evaluatePredictions(predictDepartments(model, dev, config.DISPATCH_MIN_SCORE, departments));
    console.log(
      `\ndev evaluation (${values.dev}, DISPATCH_MIN_SCORE ${config.DISPATCH_MIN_SCORE})\n${formatReport(devReport, { confusions: 40 })}`,
    );
  }
});

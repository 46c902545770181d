/**
 * npm run eval [-- --model DIR] [--data FILE.jsonl] [--json] [--min-accuracy X]
 *
 * Evaluates a model (default: the current one in DATA_DIR) on the held-out
 * split or any JSONL file of {"text", "intent"|"label"} lines (None marks
 * out-of-scope). --min-accuracy exits non-zero below X (0..1 or a percentage).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { loadArtifact } from '../src/nlu/artifact.js';
import { loadCorpus, readLabelledFile } from '../src/nlu/corpus.js';
import { evaluateModel } from '../src/nlu/evaluate.js';
import type { NluModel } from '../src/nlu/model.js';
import { ModelStore } from '../src/nlu/model-store.js';
import { formatReport } from '../src/nlu/report-format.js';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean', default: false },
      'min-accuracy': { type: 'string' },
    },
  });
  const config = cliConfig();
  let model: NluModel | null;
  if (values.model) model = loadArtifact(path.resolve(values.model));
  else {
    model = new ModelStore(config.modelsDir).loadCurrent();
    if (!model) throw new AppError('MODEL_INVALID', `no current model in ${config.modelsDir}; run npm run train first or pass --model DIR`);
  }
  const rows = values.data ? readLabelledFile(values.data) : loadCorpus(config.CORPUS_DIR).test;
  if (rows.length === 0) throw new AppError('DATA_INVALID', 'no lines to evaluate');
  const report = evaluateModel(model, rows);
  if (values.json) console.log(JSON.stringify({ model: model.version, ...report }));
  else console.log(`model ${model.version} on ${values.data ?? 'the held-out split'}\n\n${formatReport(report)}`);
  if (values['min-accuracy'] !== undefined) {
    let min = Number(values['min-accuracy']);
    if (Number.isNaN(min)) throw new AppError('BAD_REQUEST', '--min-accuracy must be a number');
    if (min > 1) min /= 100;
    if (report.accuracy < min) {
      console.error(`accuracy ${(report.accuracy * 100).toFixed(2)}% is below --min-accuracy ${(min * 100).toFixed(2)}%`);
      return 2;
    }
  }
  return 0;
});

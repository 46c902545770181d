/**
 * npm run eval:dispatch [-- --model DIR] [--data FILE.jsonl] [--json]
 *
 * Evaluates the dispatch (派单) model (default: the current one in
 * DATA_DIR/dispatch-models) on the held-out split,
 * corpus/departments/test/heldout.jsonl, or on any file of
 * {"text", "department"} lines: accuracy (DISPATCH_MIN_SCORE applied; a
 * line left in 待分派 counts as a miss), macro-F1, precision and recall per
 * department, and every confusion. Exits 1 when the held-out file is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { OUT_OF_SCOPE } from '../src/core/parse.js';
import { predictDepartments } from '../src/dispatch/decide-department.js';
import { DEPARTMENTS_CORPUS, parseDepartmentJsonl } from '../src/dispatch/department-corpus.js';
import { loadDepartments } from '../src/dispatch/departments.js';
import { loadArtifact } from '../src/nlu/artifact.js';
import { evaluatePredictions } from '../src/nlu/metrics.js';
import { ModelStore } from '../src/nlu/model-store.js';
import { formatReport } from '../src/nlu/report-format.js';

runCli(async () => {
  const { values } = parseArgs({
    options: { model: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const config = cliConfig();
  const departments = loadDepartments(config.departmentsFile);
  const file = values.data ? path.resolve(values.data) : path.join(config.CORPUS_DIR, DEPARTMENTS_CORPUS, 'test', 'heldout.jsonl');
  if (!existsSync(file)) {
    console.error(
      values.data
        ? `error: ${file} does not exist`
        : `error: the dispatch held-out split ${file} is absent, so there is nothing to evaluate on.\n` +
            'It is written by someone who never saw the training lines; until it lands, pass a file of\n' +
            '{"text", "department"} lines with --data (e.g. the dev set corpus/departments/dev/dev.jsonl).',
    );
    return 1;
  }
  const rows = parseDepartmentJsonl(readFileSync(file, 'utf8'), file, departments);
  if (rows.length === 0) throw new AppError('DATA_INVALID', `${file}: no lines to evaluate`);
  const model = values.model ? loadArtifact(path.resolve(values.model)) : new ModelStore(config.dispatchModelsDir).loadCurrent();
  if (!model) {
    throw new AppError(
      'MODEL_INVALID',
      `no current dispatch model in ${config.dispatchModelsDir}; run npm run train:dispatch first or pass --model DIR`,
    );
  }
  if ((model.manifest.kind ?? 'intent') !== 'department')
    throw new AppError('MODEL_INVALID', `${model.version} is an intent model, not a dispatch model`);
  const predictions = predictDepartments(model, rows, config.DISPATCH_MIN_SCORE, departments);
  const report = evaluatePredictions(predictions);
  const waiting = predictions.filter((p) => p.predicted === OUT_OF_SCOPE).length;
  if (values.json) {
    console.log(JSON.stringify({ model: model.version, minScore: config.DISPATCH_MIN_SCORE, waiting, ...report, slowest: [] }));
    return 0;
  }
  console.log(`dispatch model ${model.version} on ${path.relative(process.cwd(), file) || file}`);
  console.log(
    `DISPATCH_MIN_SCORE ${config.DISPATCH_MIN_SCORE}: ${waiting} of ${rows.length} lines left in 待分派 (counted as misses, shown as None)\n`,
  );
  // Without the slowest lines: their texts would show held-out lines to whoever reads the output.
  console.log(formatReport({ ...report, slowest: [] }, { confusions: Number.POSITIVE_INFINITY }));
  return 0;
});

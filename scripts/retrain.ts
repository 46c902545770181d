/**
 * npm run retrain [-- --model intent|dispatch|both] [--force "reason"] [--by NAME] [--corpus DIR]
 *
 * Retrains both models by default, the intent model and then the dispatch
 * (派单) model: each candidate is trained from its corpus (reviewed items
 * and staff department corrections included), compared with the current
 * model on its held-out split and regression set, and promoted only if the
 * gate passes (or with --force and a reason, which is recorded; it applies
 * to every model retrained in the run, so pair it with --model). The
 * dispatch model is skipped when the corpus has no departments/.
 *
 * Exits 1 when a model could not be retrained (the other still is), 2 when
 * a candidate was refused, 0 otherwise. Running servers pick up a promotion
 * within MODEL_WATCH_SECONDS.
 */
import { userInfo } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { modelNames, modelTarget } from '../src/cli/model-targets.js';
import { trainingProgress } from '../src/cli/train-progress.js';
import { AppError } from '../src/core/errors.js';
import { hasDepartmentCorpus } from '../src/dispatch/department-corpus.js';
import { retrain } from '../src/nlu/retrain.js';
import { formatRetrain } from '../src/nlu/retrain-format.js';
import { openStorage } from '../src/storage/open-storage.js';

runCli(async () => {
  const { values } = parseArgs({
    options: { model: { type: 'string' }, force: { type: 'string' }, by: { type: 'string' }, corpus: { type: 'string' } },
  });
  const names = modelNames(values.model);
  if (values.force !== undefined && !values.force.trim())
    throw new AppError('BAD_REQUEST', '--force needs a reason, e.g. --force "new intent"');
  const config = cliConfig();
  const corpusDir = values.corpus ? path.resolve(values.corpus) : config.CORPUS_DIR;
  const storage = await openStorage(config);
  let failed = false;
  let refused = false;
  try {
    for (const name of names) {
      if (name === 'dispatch' && !hasDepartmentCorpus(corpusDir)) {
        console.log(`dispatch model: skipped (${corpusDir} has no departments/)`);
        continue;
      }
      if (names.length > 1) console.log(`\n=== ${name} model ===`);
      try {
        const target = modelTarget(name, config, storage);
        const result = await retrain({
          kind: target.kind,
          corpusDir,
          store: target.store,
          registry: target.registry,
          by: values.by ?? userInfo().username,
          force: values.force,
          onProgress: trainingProgress(),
        });
        console.log(formatRetrain(result));
        if (result.outcome === 'refused') refused = true;
        else console.log(`running servers switch to ${result.candidate} within ${config.MODEL_WATCH_SECONDS} s`);
      } catch (e) {
        // One model failing must not keep the other from being retrained.
        failed = true;
        console.error(`${name} model: ${e instanceof AppError ? `error [${e.code}]: ${e.message}` : String(e)}`);
      }
    }
    return failed ? 1 : refused ? 2 : 0;
  } finally {
    await storage.close();
  }
});

/**
 * npm run retrain [-- --force "reason"] [--by NAME] [--corpus DIR]
 *
 * Trains a candidate from the corpus, compares it with the current model on
 * the held-out split and the regression set, and promotes it only if the
 * gate passes (or with --force and a reason, which is recorded). Exits 2
 * when the candidate is refused. Running servers pick up a promotion within
 * MODEL_WATCH_SECONDS.
 */
import { userInfo } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { trainingProgress } from '../src/cli/train-progress.js';
import { ModelStore } from '../src/nlu/model-store.js';
import { retrain } from '../src/nlu/retrain.js';
import { formatRetrain } from '../src/nlu/retrain-format.js';
import { openStorage } from '../src/storage/open-storage.js';

runCli(async () => {
  const { values } = parseArgs({ options: { force: { type: 'string' }, by: { type: 'string' }, corpus: { type: 'string' } } });
  const config = cliConfig();
  const storage = await openStorage(config);
  try {
    const result = await retrain({
      corpusDir: values.corpus ? path.resolve(values.corpus) : config.CORPUS_DIR,
      store: new ModelStore(config.modelsDir),
      registry: storage.modelRegistry,
      by: values.by ?? userInfo().username,
      force: values.force,
      onProgress: trainingProgress(),
    });
    console.log(formatRetrain(result));
    if (result.outcome === 'refused') return 2;
    console.log(`running servers switch to ${result.candidate} within ${config.MODEL_WATCH_SECONDS} s`);
    return 0;
  } finally {
    await storage.close();
  }
});

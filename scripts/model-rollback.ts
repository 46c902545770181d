/**
 * npm run model:rollback -- VERSION [--by NAME] [--model intent|dispatch]
 *
 * Makes an earlier version active again (recorded as a promotion with the
 * reason "rollback"). Running servers switch within MODEL_WATCH_SECONDS.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { type ModelName, modelTarget } from '../src/cli/model-targets.js';
import { AppError } from '../src/core/errors.js';
import { rollbackTo } from '../src/nlu/model-versions.js';
import { openStorage } from '../src/storage/open-storage.js';

runCli(async () => {
  const { values, positionals } = parseArgs({
    options: { by: { type: 'string' }, model: { type: 'string', default: 'intent' } },
    allowPositionals: true,
  });
  if (values.model !== 'intent' && values.model !== 'dispatch') throw new AppError('BAD_REQUEST', '--model must be intent or dispatch');
  const version = positionals[0];
  if (!version || positionals.length > 1)
    throw new AppError('BAD_REQUEST', 'usage: npm run model:rollback -- VERSION (npm run model:list shows them)');
  const config = cliConfig();
  const storage = await openStorage(config);
  try {
    const { store, registry } = modelTarget(values.model as ModelName, config, storage);
    const { from, to } = await rollbackTo(registry, store, version, values.by ?? userInfo().username);
    console.log(`rolled back to ${to.version} (was ${from ?? '—'}); running servers switch within ${config.MODEL_WATCH_SECONDS} s`);
    return 0;
  } finally {
    await storage.close();
  }
});

/**
 * npm run model:rollback -- VERSION [--by NAME]
 *
 * Makes an earlier version active again (recorded as a promotion with the
 * reason "rollback"). Running servers switch within MODEL_WATCH_SECONDS.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { ModelStore } from '../src/nlu/model-store.js';
import { rollbackTo } from '../src/nlu/model-versions.js';
import { openStorage } from '../src/storage/open-storage.js';

runCli(async () => {
  const { values, positionals } = parseArgs({ options: { by: { type: 'string' } }, allowPositionals: true });
  const version = positionals[0];
  if (!version || positionals.length > 1)
    throw new AppError('BAD_REQUEST', 'usage: npm run model:rollback -- VERSION (npm run model:list shows them)');
  const config = cliConfig();
  const storage = await openStorage(config);
  try {
    const { from, to } = await rollbackTo(
      storage.modelRegistry,
      new ModelStore(config.modelsDir),
      version,
      values.by ?? userInfo().username,
    );
    console.log(`rolled back to ${to.version} (was ${from ?? '—'}); running servers switch within ${config.MODEL_WATCH_SECONDS} s`);
    return 0;
  } finally {
    await storage.close();
  }
});

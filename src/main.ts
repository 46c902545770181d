/**
 * Thin runner: configuration → model (trained on first start) → server →
 * listen; closes gracefully on SIGINT/SIGTERM.
 */
import { mkdirSync } from 'node:fs';
import { composeApp } from './compose.js';
import { type Config, loadConfig, loadDotEnv } from './config.js';
import { AppError } from './core/errors.js';
import { loadBehaviour } from './dialogue/definitions.js';
import { loadOrTrainDispatchModel } from './dispatch/compose-dispatch.js';
import { loadOrTrainModel } from './nlu/bootstrap-model.js';
import { ModelHolder } from './nlu/model-holder.js';
import { ModelStore } from './nlu/model-store.js';
import { ModelWatcher } from './nlu/model-watcher.js';
import { createLogger } from './observability/logger.js';
import { openFleet } from './storage/open-fleet.js';
import { openStorage } from './storage/open-storage.js';

async function main(): Promise<void> {
  loadDotEnv();
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error(e instanceof AppError ? e.message : e);
    process.exit(1);
  }
  const log = createLogger(config.LOG_LEVEL);
  mkdirSync(config.DATA_DIR, { recursive: true });
  const behaviour = loadBehaviour(config.INTENTS_DIR);
  const storage = await openStorage(config, { serving: true, log: log.child({ module: 'storage' }) });
  log.info(storage.describe(), 'storage open');
  // Several instances on PostgreSQL coordinate through it (locks, live events, job ticks, rate limits).
  const fleet = await openFleet(storage, { poolMax: config.DATABASE_POOL_MAX, log: log.child({ module: 'fleet' }) });
  const models = new ModelHolder();
  models.swap(await loadOrTrainModel(config.modelsDir, config.CORPUS_DIR, log.child({ module: 'nlu' })));
  const dispatchLog = log.child({ module: 'dispatch' });
  const dispatchModels = new ModelHolder(await loadOrTrainDispatchModel(config, dispatchLog));
  const { server, wechaty } = await composeApp({ config, storage, fleet, models, dispatchModels, behaviour, log });
  // A model promoted by `npm run retrain` or `model:rollback` (another process) is swapped in without a restart.
  const watcher = new ModelWatcher({
    store: new ModelStore(config.modelsDir),
    holder: models,
    intervalMs: config.MODEL_WATCH_SECONDS * 1000,
    log: log.child({ module: 'nlu' }),
  });
  // The dispatch model is promoted by the same retrain and hot-swapped the same way.
  const dispatchWatcher = new ModelWatcher({
    store: new ModelStore(config.dispatchModelsDir),
    holder: dispatchModels,
    intervalMs: config.MODEL_WATCH_SECONDS * 1000,
    log: dispatchLog,
  });
  if (config.WECHAT_TOKEN) log.info('WeChat Official Account channel enabled at /wechat');
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    await watcher.stop();
    await dispatchWatcher.stop();
    // Hands the Wechaty bot over to a stand-by at once, before waiting for requests in flight.
    await wechaty?.resign();
    await server.close();
    await fleet.close();
    await storage.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));
  await server.listen({ port: config.PORT, host: config.HOST });
  watcher.start();
  dispatchWatcher.start();
  // The Wechaty bot runs beside the HTTP server, on the one instance of the
  // fleet that leads (always this one on SQLite); a failing puppet is
  // restarted with backoff by the channel and never stops the server.
  wechaty?.start();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

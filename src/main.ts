/**
 * Thin runner: configuration → model (trained on first start) → server →
 * listen; closes gracefully on SIGINT/SIGTERM.
 */
import { mkdirSync } from 'node:fs';
import { composeApp } from './compose.js';
import { type Config, loadConfig, loadDotEnv } from './config.js';
import { AppError } from './core/errors.js';
import { loadBehaviour } from './dialogue/definitions.js';
import { loadOrTrainModel } from './nlu/bootstrap-model.js';
import { ModelHolder } from './nlu/model-holder.js';
import { ModelStore } from './nlu/model-store.js';
import { ModelWatcher } from './nlu/model-watcher.js';
import { createLogger } from './observability/logger.js';
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
  const models = new ModelHolder();
  models.swap(await loadOrTrainModel(config.modelsDir, config.CORPUS_DIR, log.child({ module: 'nlu' })));
  const { conversations, server, outbox } = await composeApp({ config, storage, models, behaviour, log });
  // A model promoted by `npm run retrain` or `model:rollback` (another process) is swapped in without a restart.
  const watcher = new ModelWatcher({
    store: new ModelStore(config.modelsDir),
    holder: models,
    intervalMs: config.MODEL_WATCH_SECONDS * 1000,
    log: log.child({ module: 'nlu' }),
  });
  if (config.WECHAT_TOKEN) log.info('WeChat Official Account channel enabled at /wechat');
  // The Wechaty bot runs beside the HTTP server; a failing puppet is
  // restarted with backoff by the channel and never stops the server.
  // Wechaty is imported only when configured: loading it costs ~80 MB of resident memory.
  const wechaty = config.WECHATY_PUPPET
    ? new (await import('./channels/wechaty/wechaty-channel.js')).WechatyChannel({
        puppet: config.WECHATY_PUPPET,
        puppetToken: config.WECHATY_PUPPET_TOKEN,
        conversations,
        log: log.child({ module: 'wechaty' }),
        unsupportedMessage: behaviour.dialogue.messages.unsupported_media ?? '',
      })
    : null;
  // Staff replies to Wechaty citizens go out through the bot.
  if (wechaty) {
    outbox.register('wechaty', {
      deliver: async (to, text) => {
        await wechaty.sendTo(to.userId, text);
        return { delivery: 'sent', error: null };
      },
    });
  }
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    await watcher.stop();
    await wechaty?.stop();
    await server.close();
    await storage.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));
  await server.listen({ port: config.PORT, host: config.HOST });
  watcher.start();
  if (wechaty) void wechaty.start();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

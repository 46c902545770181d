/**
 * A server process for benchmarks: `app` runs the real app (DATA_DIR, model
 * and WECHAT_* from the environment) with production's logging — LOG_LEVEL,
 * request lines included, masking hook and all — written to
 * DATA_DIR/server.log; `bare` runs a Fastify route returning a fixed XML
 * body, the ceiling the webhook is compared with. Prints the listening URL
 * on stdout.
 */
import path from 'node:path';
import Fastify from 'fastify';
import pino from 'pino';
import { composeApp } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { loadBehaviour } from '../src/dialogue/definitions.js';
import { ModelHolder } from '../src/nlu/model-holder.js';
import { ModelStore } from '../src/nlu/model-store.js';
import { warmUp } from '../src/nlu/warm-up.js';
import { createLogger, loggerOptions } from '../src/observability/logger.js';
import { openStorage } from '../src/storage/open-storage.js';

const mode = process.argv[2];
// Exit cleanly on SIGTERM so --cpu-prof can write its profile.
process.on('SIGTERM', () => process.exit(0));
if (mode === 'bare') {
  const app = Fastify({ logger: false });
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_r, b, done) => done(null, b));
  const xml =
    '<xml><ToUserName><![CDATA[u]]></ToUserName><FromUserName><![CDATA[gh]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[您好]]></Content></xml>';
  app.post('/wechat', async (_req, reply) => reply.type('application/xml').send(xml));
  console.log(await app.listen({ port: 0, host: '127.0.0.1' }));
} else {
  const config = loadConfig();
  const model = new ModelStore(config.modelsDir).loadCurrent();
  if (!model) throw new Error('no model');
  warmUp(model);
  const storage = await openStorage(config, { serving: true });
  const logFile = pino.destination(path.join(config.DATA_DIR, 'server.log'));
  // Rate limits off: the benchmark is one IP sending for 200 citizens.
  const { server: app } = await composeApp({
    config: { ...config, RATE_LIMIT_USER_PER_MINUTE: 1e9, RATE_LIMIT_IP_PER_MINUTE: 1e9 },
    storage,
    models: new ModelHolder(model),
    behaviour: loadBehaviour(config.INTENTS_DIR),
    log: createLogger(config.LOG_LEVEL, logFile),
    httpLogger: { ...loggerOptions(config.LOG_LEVEL), stream: logFile },
  });
  console.log(await app.listen({ port: 0, host: '127.0.0.1' }));
}

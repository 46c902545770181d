/**
 * A server process for benchmarks: `app` runs the real app (DATA_DIR, model
 * and WECHAT_* from the environment); `bare` runs a Fastify route returning a
 * fixed XML body, the ceiling the webhook is compared with. Prints the
 * listening URL on stdout.
 */
import Fastify from 'fastify';
import { loadConfig } from '../src/config.js';
import { ConversationService } from '../src/dialogue/conversation-service.js';
import { loadBehaviour } from '../src/dialogue/definitions.js';
import { DialogueEngine } from '../src/dialogue/engine.js';
import { warmUp } from '../src/nlu/bootstrap-model.js';
import { ModelHolder } from '../src/nlu/model-holder.js';
import { ModelStore } from '../src/nlu/model-store.js';
import { createLogger } from '../src/observability/logger.js';
import { buildServer } from '../src/server.js';
import { openDatabase } from '../src/storage/sqlite.js';
import { SqliteStore } from '../src/storage/sqlite-store.js';

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
  const db = openDatabase(config.databaseFile);
  const store = new SqliteStore(db);
  const behaviour = loadBehaviour(config.INTENTS_DIR);
  const models = new ModelHolder(model);
  const conversations = new ConversationService({
    store,
    models,
    engine: new DialogueEngine(behaviour),
    clock: () => new Date(),
    log: createLogger('silent'),
  });
  const app = await buildServer(
    {
      config: { ...config, RATE_LIMIT_USER_PER_MINUTE: 1e9, RATE_LIMIT_IP_PER_MINUTE: 1e9 },
      models,
      conversations,
      behaviour,
      tokens: store,
    },
    { logger: false },
  );
  console.log(await app.listen({ port: 0, host: '127.0.0.1' }));
}

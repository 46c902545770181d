/**
 * Wires the running parts around one database and one model holder: store,
 * metrics, dialogue engine, conversation service and the HTTP server. The
 * product (main.ts), the benchmark server and the tests all assemble the app
 * here, so a benchmark or test measures what production runs.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { ConversationService } from './dialogue/conversation-service.js';
import type { Behaviour } from './dialogue/definitions.js';
import { DialogueEngine } from './dialogue/engine.js';
import type { ModelHolder } from './nlu/model-holder.js';
import { PrometheusTelemetry } from './observability/prometheus.js';
import { buildServer } from './server.js';
import type { Db } from './storage/sqlite.js';
import { SqliteStore } from './storage/sqlite-store.js';

export interface Composed {
  store: SqliteStore;
  metrics: PrometheusTelemetry;
  conversations: ConversationService;
  server: FastifyInstance;
}

export async function composeApp(o: {
  config: Config;
  db: Db;
  models: ModelHolder;
  behaviour: Behaviour;
  log: Logger;
  clock?: () => Date;
  /** Lets tests interpose on the store (e.g. slow commits). */
  wrapStore?: (store: SqliteStore) => SqliteStore;
  /** Fastify's own logger; defaults to the configured level. */
  httpLogger?: boolean | object;
}): Promise<Composed> {
  const plain = new SqliteStore(o.db);
  const store = o.wrapStore ? o.wrapStore(plain) : plain;
  const metrics = new PrometheusTelemetry(store);
  const conversations = new ConversationService({
    store,
    models: o.models,
    telemetry: metrics,
    engine: new DialogueEngine(o.behaviour),
    clock: o.clock ?? (() => new Date()),
    log: o.log.child({ module: 'dialogue' }),
  });
  const server = await buildServer(
    { config: o.config, models: o.models, conversations, behaviour: o.behaviour, tokens: store, store, metrics },
    o.httpLogger === undefined ? {} : { logger: o.httpLogger },
  );
  return { store, metrics, conversations, server };
}

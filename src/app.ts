/**
 * The Wenzheng application as a Fastify plugin. main.ts registers it on a
 * real server; tests build the same app and inject requests.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { registerErrorHandler } from './http/error-handler.js';
import { parseRoutes } from './http/parse-routes.js';
import type { ModelHolder } from './nlu/model-holder.js';

export interface AppDeps {
  config: Config;
  models: ModelHolder;
}

export async function wenzhengApp(app: FastifyInstance, deps: AppDeps): Promise<void> {
  registerErrorHandler(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const model = deps.models.current;
    if (!model) return reply.status(503).send({ status: 'starting', model: null });
    return { status: 'ready', model: model.version };
  });
  app.get('/', async (_req, reply) => {
    const model = deps.models.current;
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><meta charset="utf-8"><title>问政 Wenzheng</title><h1>问政 Wenzheng</h1><p>Ready. Model ${model?.version ?? 'loading'}. POST /api/v1/parse {"text": "..."}</p>`,
      );
  });
  await app.register(parseRoutes(deps.models));
}

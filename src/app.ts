/**
 * The Wenzheng application as a Fastify plugin. main.ts registers it on a
 * real server; tests build the same app and inject requests.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { ConversationService } from './dialogue/conversation-service.js';
import { registerErrorHandler } from './http/error-handler.js';
import { messageRoutes } from './http/message-routes.js';
import { parseRoutes } from './http/parse-routes.js';
import type { ModelHolder } from './nlu/model-holder.js';

export interface AppDeps {
  config: Config;
  models: ModelHolder;
  conversations?: ConversationService;
}

const chatPage = readFileSync(new URL('./channels/web/chat.html', import.meta.url), 'utf8');

export async function wenzhengApp(app: FastifyInstance, deps: AppDeps): Promise<void> {
  registerErrorHandler(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const model = deps.models.current;
    if (!model) return reply.status(503).send({ status: 'starting', model: null });
    return { status: 'ready', model: model.version };
  });
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(chatPage));
  await app.register(parseRoutes(deps.models));
  if (deps.conversations) {
    await app.register(
      messageRoutes({
        conversations: deps.conversations,
        perUserPerMinute: deps.config.RATE_LIMIT_USER_PER_MINUTE,
        perIpPerMinute: deps.config.RATE_LIMIT_IP_PER_MINUTE,
      }),
    );
  }
}

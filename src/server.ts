/** Builds a configured Fastify server around the app plugin (used by main.ts and tests). */
import Fastify, { type FastifyInstance } from 'fastify';
import { type AppDeps, wenzhengApp } from './app.js';
import { loggerOptions } from './observability/logger.js';
import { OneLinePerRequest } from './observability/request-log.js';

export async function buildServer(deps: AppDeps, options: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(deps.config.LOG_LEVEL),
    bodyLimit: 64 * 1024,
    logController: new OneLinePerRequest(),
    // Behind a TLS-terminating proxy, the client's IP (rate limits) and
    // protocol (Secure cookies) come from X-Forwarded-*; only trusted hops count.
    trustProxy: trustProxy(deps.config.TRUST_PROXY),
  });
  await app.register(wenzhengApp, deps);
  return app;
}

function trustProxy(setting: string): boolean | string {
  if (setting === 'true') return true;
  if (setting === 'false' || setting === '') return false;
  return setting;
}

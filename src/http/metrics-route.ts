/**
 * GET /metrics for Prometheus. The metrics reveal traffic, intents and the
 * handoff queue, so they are never public: with METRICS_TOKEN set, a scrape
 * must send it as a bearer token (Prometheus `authorization` /
 * `bearer_token`); without it, only a scraper on the host itself is
 * answered — a direct loopback connection that no reverse proxy forwarded
 * (a local nginx connects from 127.0.0.1 too, but adds X-Forwarded-For /
 * X-Real-IP).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { PrometheusTelemetry } from '../observability/prometheus.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const FORWARDED = ['x-forwarded-for', 'x-real-ip', 'forwarded'];

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!given) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(token, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const fromThisHost = (request: FastifyRequest) =>
  LOOPBACK.has(request.socket.remoteAddress ?? '') && !FORWARDED.some((h) => request.headers[h] !== undefined);

export function metricsRoute(metrics: PrometheusTelemetry, token: string | undefined) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/metrics', async (request, reply) => {
      if (token) {
        if (!bearerMatches(request.headers.authorization, token)) {
          reply.header('www-authenticate', 'Bearer realm="metrics"');
          throw new AppError('UNAUTHENTICATED', 'Send the METRICS_TOKEN as a bearer token');
        }
      } else if (!fromThisHost(request)) {
        throw new AppError('FORBIDDEN', 'Metrics are served only on this host; set METRICS_TOKEN to let a remote Prometheus scrape them');
      }
      return reply.type(metrics.contentType()).send(await metrics.metrics());
    });
  };
}

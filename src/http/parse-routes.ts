/** POST /api/v1/parse — the understanding step over HTTP. */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { RateCounter } from '../core/fleet.js';
import type { ModelHolder } from '../nlu/model-holder.js';
import { rateLimitOptions } from './rate-limit-store.js';

export const MAX_TEXT_LENGTH = 5000;

const parseBody = {
  type: 'object',
  required: ['text'],
  additionalProperties: true,
  properties: { text: { type: 'string' } },
} as const;

/** `perIpPerMinute`: the endpoint is public (for trying the model), so one client cannot monopolise the CPU. */
export function parseRoutes(models: ModelHolder, perIpPerMinute = 600, rates?: RateCounter) {
  return async function routes(app: FastifyInstance): Promise<void> {
    await app.register(rateLimit, rateLimitOptions(rates, 'parse'));
    const perIp = app.createRateLimit({ max: perIpPerMinute, keyGenerator: (req) => `parse:${req.ip}` });
    const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
      const limit = await perIp(request);
      if (!limit.isAllowed && limit.isExceeded) {
        return reply
          .status(429)
          .header('retry-after', Math.ceil(limit.ttl / 1000))
          .send({ error: { code: 'RATE_LIMITED', message: 'Too many requests; try again in a minute' } });
      }
    };
    app.post<{ Body: { text: string } }>('/api/v1/parse', { schema: { body: parseBody }, preHandler }, async (request) => {
      const { text } = request.body;
      if (!text.trim()) throw new AppError('TEXT_REQUIRED');
      if (text.length > MAX_TEXT_LENGTH) throw new AppError('TEXT_TOO_LONG', `Field "text" is longer than ${MAX_TEXT_LENGTH} characters`);
      const model = models.current;
      if (!model) throw new AppError('MODEL_NOT_READY');
      return model.parse(text);
    });
  };
}

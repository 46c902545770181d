/** POST /api/v1/parse — the understanding step over HTTP. */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.js';
import type { ModelHolder } from '../nlu/model-holder.js';

export const MAX_TEXT_LENGTH = 5000;

const parseBody = {
  type: 'object',
  required: ['text'],
  additionalProperties: true,
  properties: { text: { type: 'string' } },
} as const;

export function parseRoutes(models: ModelHolder) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.post<{ Body: { text: string } }>('/api/v1/parse', { schema: { body: parseBody } }, async (request) => {
      const { text } = request.body;
      if (!text.trim()) throw new AppError('TEXT_REQUIRED');
      if (text.length > MAX_TEXT_LENGTH) throw new AppError('TEXT_TOO_LONG', `Field "text" is longer than ${MAX_TEXT_LENGTH} characters`);
      const model = models.current;
      if (!model) throw new AppError('MODEL_NOT_READY');
      return model.parse(text);
    });
  };
}

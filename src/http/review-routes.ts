/**
 * /api/staff/review/* — the review queue for maintainers (contract:
 * docs/staff-api.md, "Review") — and its page at /console/review. The same
 * session, role check and CSRF rule as the rest of the staff API.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.js';
import { REVIEW_REASONS, type ReviewReason } from '../core/review.js';
import type { ReviewService } from '../review/review-service.js';
import type { StaffAuth } from '../staff/auth.js';
import { loadHtmlPage, sendHtmlPage } from './html-page.js';
import { roleTooLow, sendRefusal } from './refusal-page.js';
import { me, requireStaff } from './staff-guard.js';

export interface ReviewRouteOptions {
  auth: StaffAuth;
  review: ReviewService;
}

const PAGE = new URL('../console/review.html', import.meta.url);

const queueQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500 },
    days: { type: 'integer', minimum: 1, maximum: 365 },
    reason: { type: 'string', enum: [...REVIEW_REASONS] },
  },
} as const;

const labelSchema = {
  params: { type: 'object', required: ['key'], properties: { key: { type: 'string', minLength: 1, maxLength: 64 } } },
  body: {
    type: 'object',
    required: ['label'],
    properties: { label: { type: 'string', minLength: 1, maxLength: 80 }, note: { type: 'string', maxLength: 500 } },
  },
} as const;

export function reviewRoutes(o: ReviewRouteOptions) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const page = loadHtmlPage(PAGE);
    app.get('/console/review', async (request, reply) => {
      if (!page) throw new AppError('NOT_FOUND', 'The review page is not installed');
      if (await roleTooLow(o.auth, 'maintainer', request)) return sendRefusal(reply, '语料审核');
      return sendHtmlPage(reply, page);
    });

    const maintainer = requireStaff(o.auth, 'maintainer');
    app.get<{ Querystring: { limit?: number; days?: number; reason?: ReviewReason } }>(
      '/api/staff/review/queue',
      { preHandler: maintainer, schema: { querystring: queueQuery } },
      async (request) => o.review.queue(request.query),
    );
    app.post<{ Params: { key: string }; Body: { label: string; note?: string } }>(
      '/api/staff/review/items/:key/label',
      { preHandler: maintainer, schema: labelSchema },
      async (request) => {
        const user = me(request);
        const result = await o.review.label(
          request.params.key,
          request.body.label,
          { staffId: user.id, name: user.name },
          { note: request.body.note?.trim() || undefined, via: 'console' },
        );
        return { result };
      },
    );
  };
}

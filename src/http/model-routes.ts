/**
 * /api/staff/models — model versions, retraining and rollback for
 * maintainers — and the page at /console/models. Same session, role and
 * CSRF rules as the rest of the staff API; every action is audited.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.js';
import type { StaffStore } from '../core/staff.js';
import type { StaffAuth } from '../staff/auth.js';
import type { ModelDesk } from '../staff/model-desk.js';
import { loadHtmlPage, sendHtmlPage } from './html-page.js';
import { roleTooLow, sendRefusal } from './refusal-page.js';
import { me, requireStaff } from './staff-guard.js';

export interface ModelRouteOptions {
  auth: StaffAuth;
  models: ModelDesk;
  staff: StaffStore;
  clock: () => Date;
}

const PAGE = new URL('../console/models.html', import.meta.url);

export function modelRoutes(o: ModelRouteOptions) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const page = loadHtmlPage(PAGE);
    app.get('/console/models', async (request, reply) => {
      if (!page) throw new AppError('NOT_FOUND', 'The models page is not installed');
      if (await roleTooLow(o.auth, 'maintainer', request)) return sendRefusal(reply, '模型管理');
      return sendHtmlPage(reply, page);
    });
    const maintainer = requireStaff(o.auth, 'maintainer');

    app.get('/api/staff/models', { preHandler: maintainer }, async () => o.models.overview());

    app.post<{ Body: { force?: string } }>(
      '/api/staff/models/retrain',
      {
        preHandler: maintainer,
        schema: {
          body: { type: 'object', additionalProperties: false, properties: { force: { type: 'string', minLength: 1, maxLength: 200 } } },
        },
      },
      async (request, reply) => {
        const user = me(request);
        const job = o.models.startRetrain(user, request.body?.force ?? null);
        await o.staff.audit({
          staffId: user.id,
          action: 'retrain_start',
          target: String(job.id),
          details: { force: job.force },
          now: o.clock().getTime(),
        });
        return reply.status(202).send({ job });
      },
    );

    app.post<{ Params: { version: string } }>(
      '/api/staff/models/:version/rollback',
      {
        preHandler: maintainer,
        schema: {
          params: { type: 'object', required: ['version'], properties: { version: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,80}$' } } },
        },
      },
      async (request) => {
        const user = me(request);
        const r = await o.models.rollback(user, request.params.version);
        await o.staff.audit({
          staffId: user.id,
          action: 'rollback',
          target: r.to.version,
          details: { from: r.from },
          now: o.clock().getTime(),
        });
        return { from: r.from, to: r.to };
      },
    );
  };
}

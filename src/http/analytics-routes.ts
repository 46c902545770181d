/**
 * Service analytics for maintainers and admins: the dashboard page
 * (GET /console/dashboard), the same report as a file to download, and its
 * numbers as JSON (GET /api/staff/analytics). Range: ?from=YYYY-MM-DD&to=…
 * (Shanghai days, both included; default the last 30 days).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type DateRange, requestedRange } from '../analytics/range.js';
import { renderNotice, renderReport } from '../analytics/report-html.js';
import { DASHBOARD_CSP } from '../analytics/report-style.js';
import { serviceAnalytics } from '../analytics/service-analytics.js';
import { reportName } from '../analytics/write-report.js';
import type { AnalyticsQuery } from '../core/analytics.js';
import { wallClock } from '../core/clock.js';
import { type AppError, isAppError } from '../core/errors.js';
import type { StaffAuth } from '../staff/auth.js';
import { requireStaff } from './staff-guard.js';

export interface AnalyticsRouteOptions {
  auth: StaffAuth;
  analytics: AnalyticsQuery;
  clock: () => Date;
  /** REVIEW_LOW_CONFIDENCE: answers scored lower count as unanswered demand. */
  lowConfidence: number;
  /** Department names for the ticket panel (ids otherwise). */
  departmentName?: (id: string | null) => string;
}

const DAY = { type: 'string', maxLength: 10 } as const;
const rangeQuery = { type: 'object', properties: { from: DAY, to: DAY } } as const;
type RangeQuery = { Querystring: { from?: string; to?: string } };

const DASHBOARD = '/console/dashboard';

function html(reply: FastifyReply, status: number, body: string, attachment?: string): FastifyReply {
  if (attachment) reply.header('content-disposition', `attachment; filename="${attachment}"`);
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

/** Why an HTML request was refused, said as a page rather than as JSON. */
function notice(reply: FastifyReply, e: AppError): FastifyReply {
  const back = { href: '/console', label: '前往坐席工作台登录' };
  if (e.code === 'UNAUTHENTICATED') return html(reply, 401, renderNotice('请先登录', '请在坐席工作台登录后再打开本页面。', back));
  if (e.code === 'FORBIDDEN')
    return html(
      reply,
      403,
      renderNotice('没有权限', '服务数据分析仅对维护人员和管理员开放。', { href: '/console', label: '返回坐席工作台' }),
    );
  return html(reply, e.status, renderNotice('无法生成报告', e.message, { href: DASHBOARD, label: '查看最近 30 天' }));
}

export function analyticsRoutes(o: AnalyticsRouteOptions) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const guard = requireStaff(o.auth, 'maintainer');
    const range = (request: FastifyRequest<RangeQuery>): DateRange => requestedRange(o.clock(), request.query.from, request.query.to);

    app.get<RangeQuery>('/api/staff/analytics', { schema: { querystring: rangeQuery }, preHandler: guard }, async (request) =>
      serviceAnalytics(o.analytics, range(request), o.clock(), o),
    );

    // The pages check the session themselves so that a refusal is a page a person can act on.
    app.get<RangeQuery>(DASHBOARD, { schema: { querystring: rangeQuery } }, async (request, reply) => {
      try {
        await guard(request);
        const r = range(request);
        const a = await serviceAnalytics(o.analytics, r, o.clock(), o);
        const page = renderReport(a, {
          action: DASHBOARD,
          today: wallClock(o.clock()).date,
          downloadHref: `${DASHBOARD}/report?from=${r.from}&to=${r.to}`,
          consoleHref: '/console',
        });
        return html(reply, 200, page);
      } catch (e) {
        if (isAppError(e) && e.status < 500) return notice(reply, e);
        throw e;
      }
    });

    app.get<RangeQuery>(`${DASHBOARD}/report`, { schema: { querystring: rangeQuery } }, async (request, reply) => {
      try {
        await guard(request);
        const a = await serviceAnalytics(o.analytics, range(request), o.clock(), o);
        return html(reply, 200, renderReport(a), `${reportName(a)}.html`);
      } catch (e) {
        if (isAppError(e) && e.status < 500) return notice(reply, e);
        throw e;
      }
    });
  };
}

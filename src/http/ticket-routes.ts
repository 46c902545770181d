/**
 * /api/staff/tickets/* — ticket work for staff (contract: docs/staff-api.md,
 * "Tickets") — and its page at /console/tickets. The same session, CSRF
 * rule and role check as the rest of the staff API; which tickets a staff
 * member may see is decided by the ticket desk (src/tickets/ticket-desk.ts).
 */
import type { FastifyInstance } from 'fastify';
import { type Channel, PRIORITIES, type Priority, type TicketKind } from '../core/conversation.js';
import { AppError } from '../core/errors.js';
import { TICKET_KINDS, TICKET_STATUSES, type TicketStatus } from '../core/tickets.js';
import type { StaffAuth } from '../staff/auth.js';
import type { TicketDesk } from '../tickets/ticket-desk.js';
import { loadHtmlPage, sendHtmlPage } from './html-page.js';
import { me, requireStaff } from './staff-guard.js';

export interface TicketRouteOptions {
  auth: StaffAuth;
  desk: TicketDesk;
}

const PAGE = new URL('../console/tickets.html', import.meta.url);
const CHANNELS: readonly Channel[] = ['web', 'wechat-oa', 'wechaty'];
const MAX_TEXT = 2000;

const refParam = {
  type: 'object',
  required: ['reference'],
  properties: { reference: { type: 'string', pattern: '^T\\d{8}-\\d{4,}$' } },
} as const;
const list = { type: 'string', maxLength: 500 } as const;
const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    department: list,
    status: list,
    kind: list,
    channel: list,
    priority: list,
    overdue: { type: 'boolean' },
    /** Filed at least / at most this many days ago. */
    minAgeDays: { type: 'number', minimum: 0, maximum: 3650 },
    maxAgeDays: { type: 'number', minimum: 0, maximum: 3650 },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
  },
} as const;

/** "a,b" → ['a','b'], each checked against what may be asked for (the empty department stands for 待分派). */
function csv<T extends string>(value: string | undefined, allowed: readonly string[] | null, name: string): T[] | undefined {
  if (value === undefined || value === '') return undefined;
  const items = value.split(',').map((v) => v.trim());
  const bad = allowed ? items.filter((i) => !allowed.includes(i)) : [];
  if (bad.length > 0) throw new AppError('BAD_REQUEST', `Unknown ${name} "${bad[0]}"; one of: ${allowed?.join(', ')}`);
  return items as T[];
}

export function ticketRoutes(o: TicketRouteOptions) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const page = loadHtmlPage(PAGE);
    app.get('/console/tickets', async (_req, reply) => {
      if (!page) throw new AppError('NOT_FOUND', 'The ticket page is not installed');
      return sendHtmlPage(reply, page);
    });

    const agent = { preHandler: requireStaff(o.auth, 'agent') };

    app.get('/api/staff/tickets/meta', agent, async (request) => o.desk.meta(me(request)));

    app.get<{
      Querystring: {
        department?: string;
        status?: string;
        kind?: string;
        channel?: string;
        priority?: string;
        overdue?: boolean;
        minAgeDays?: number;
        maxAgeDays?: number;
        limit?: number;
      };
    }>('/api/staff/tickets', { ...agent, schema: { querystring: listQuery } }, async (request) => {
      const q = request.query;
      return o.desk.list(me(request), {
        departments: csv<string>(q.department, null, 'department'),
        statuses: csv<TicketStatus>(q.status, TICKET_STATUSES, 'status'),
        kinds: csv<TicketKind>(q.kind, TICKET_KINDS, 'kind'),
        channels: csv<Channel>(q.channel, CHANNELS, 'channel'),
        priorities: csv<Priority>(q.priority, PRIORITIES, 'priority'),
        overdue: q.overdue,
        minAgeDays: q.minAgeDays,
        maxAgeDays: q.maxAgeDays,
        limit: q.limit,
      });
    });

    // Which departments' tickets an agent works (admin); [] puts them on the hotline's own desk (待分派).
    app.post<{ Params: { id: string }; Body: { departments: string[] } }>(
      '/api/staff/users/:id/departments',
      {
        preHandler: requireStaff(o.auth, 'admin'),
        schema: {
          params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } },
          body: {
            type: 'object',
            required: ['departments'],
            properties: { departments: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 64 } } },
          },
        },
      },
      async (request) => o.desk.setStaffDepartments(me(request), request.params.id, request.body.departments),
    );

    type WithRef = { Params: { reference: string } };
    app.get<WithRef>('/api/staff/tickets/:reference', { ...agent, schema: { params: refParam } }, async (request) =>
      o.desk.ticket(me(request), request.params.reference),
    );

    app.post<WithRef & { Body: { department: string | null; reason: string } }>(
      '/api/staff/tickets/:reference/department',
      {
        ...agent,
        schema: {
          params: refParam,
          body: {
            type: 'object',
            required: ['department', 'reason'],
            properties: {
              department: { anyOf: [{ type: 'string', minLength: 1, maxLength: 64 }, { type: 'null' }] },
              reason: { type: 'string', maxLength: MAX_TEXT },
            },
          },
        },
      },
      async (request) => o.desk.changeDepartment(me(request), request.params.reference, request.body.department, request.body.reason),
    );

    app.post<WithRef & { Body: { status: TicketStatus; text?: string } }>(
      '/api/staff/tickets/:reference/status',
      {
        ...agent,
        schema: {
          params: refParam,
          body: {
            type: 'object',
            required: ['status'],
            properties: { status: { type: 'string', enum: [...TICKET_STATUSES] }, text: { type: 'string', maxLength: MAX_TEXT } },
          },
        },
      },
      async (request) => o.desk.changeStatus(me(request), request.params.reference, request.body.status, request.body.text ?? null),
    );

    app.post<WithRef & { Body: { text: string } }>(
      '/api/staff/tickets/:reference/notes',
      {
        ...agent,
        schema: {
          params: refParam,
          body: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1, maxLength: MAX_TEXT } } },
        },
      },
      async (request) => o.desk.note(me(request), request.params.reference, request.body.text),
    );
  };
}

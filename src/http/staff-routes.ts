/**
 * /api/staff/* — the staff console's API (contract: docs/staff-api.md) and
 * the console page at /console. Authentication is a session cookie
 * (httpOnly, SameSite=Strict, Secure over TLS); every state-changing
 * request must also carry the session's CSRF token in `x-csrf-token`;
 * every route checks the role on the server.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError, isAppError } from '../core/errors.js';
import type { RateCounter } from '../core/fleet.js';
import { REASON_LABELS, RESOLUTIONS } from '../core/handoffs.js';
import type { Role, StaffStore } from '../core/staff.js';
import { RATING_LABELS } from '../dialogue/intents-text.js';
import type { ModelHolder } from '../nlu/model-holder.js';
import type { StaffAuth } from '../staff/auth.js';
import type { StaffDesk } from '../staff/desk.js';
import type { StaffEvents } from '../staff/events.js';
import { LiveStreams, type LiveStreamsOptions } from '../staff/live-streams.js';
import { hashPassword } from '../staff/passwords.js';
import { addStaffUser, MIN_PASSWORD_LENGTH } from '../staff/users.js';
import { loadHtmlPage, sendHtmlPage } from './html-page.js';
import { rateLimitOptions } from './rate-limit-store.js';
import { me, requireStaff, SESSION_COOKIE } from './staff-guard.js';
import { MAX_CURSOR } from './validation.js';

const MAX_REPLY = 2000;

export interface StaffRouteOptions {
  auth: StaffAuth;
  desk: StaffDesk;
  staff: StaffStore;
  events: StaffEvents;
  /** Who hears of a ticket event (TicketDesk.liveEvents); absent where there is no ticket store, and no ticket events. */
  tickets?: LiveStreamsOptions['tickets'];
  models: ModelHolder;
  slaSeconds: number;
  cookieSecure: 'auto' | 'true' | 'false';
  loginPerMinute?: number;
  clock: () => Date;
  /** Counts shared by the fleet (PostgreSQL); in memory when absent. */
  rates?: RateCounter;
}

const CONSOLE_FILE = new URL('../console/console.html', import.meta.url);

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

export function staffRoutes(o: StaffRouteOptions) {
  return async function routes(app: FastifyInstance): Promise<void> {
    await app.register(rateLimit, rateLimitOptions(o.rates, 'staff'));
    // Served with a CSP that allows exactly its own inline script and style blocks.
    const page = loadHtmlPage(CONSOLE_FILE);

    app.get('/console', async (_req, reply) => {
      if (!page) throw new AppError('NOT_FOUND', 'The console page is not installed');
      return sendHtmlPage(reply, page);
    });

    const guard = (role: Role) => requireStaff(o.auth, role);

    const loginLimit = app.createRateLimit({ max: o.loginPerMinute ?? 10, keyGenerator: (req) => `login:${req.ip}` });
    app.post<{ Body: { name: string; password: string } }>(
      '/api/staff/login',
      {
        schema: {
          body: {
            type: 'object',
            required: ['name', 'password'],
            properties: { name: text(64), password: text(256) },
          },
        },
        preHandler: async (request, reply: FastifyReply) => {
          const limit = await loginLimit(request);
          if (!limit.isAllowed && limit.isExceeded) {
            return reply
              .status(429)
              .header('retry-after', Math.ceil(limit.ttl / 1000))
              .send({ error: { code: 'RATE_LIMITED', message: '登录尝试过于频繁，请稍后再试' } });
          }
        },
      },
      async (request, reply) => {
        const s = await o.auth.login(request.body.name, request.body.password, request.ip).catch((e: unknown) => {
          const wait =
            isAppError(e) && e.code === 'LOGIN_THROTTLED' ? (e.details as { retryAfterSeconds?: number }).retryAfterSeconds : undefined;
          if (wait) reply.header('retry-after', wait);
          throw e;
        });
        const secure = o.cookieSecure === 'auto' ? request.protocol === 'https' : o.cookieSecure === 'true';
        reply.setCookie(SESSION_COOKIE, s.token, {
          httpOnly: true,
          sameSite: 'strict',
          secure,
          path: '/',
          expires: new Date(s.expiresAt),
        });
        return { user: s.user, csrfToken: s.csrfToken };
      },
    );

    app.post('/api/staff/logout', { preHandler: guard('agent') }, async (request, reply) => {
      await o.auth.logout(request.cookies[SESSION_COOKIE] as string, me(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    });

    app.get('/api/staff/me', async (request) => {
      const session = await o.auth.session(request.cookies[SESSION_COOKIE]);
      if (!session) throw new AppError('UNAUTHENTICATED');
      return { user: session.user, csrfToken: session.csrfToken };
    });

    app.get('/api/staff/meta', { preHandler: guard('agent') }, async () => ({
      resolutions: RESOLUTIONS,
      reasons: REASON_LABELS,
      ratingLevels: Object.entries(RATING_LABELS)
        .map(([level, label]) => ({ level: Number(level), label }))
        .sort((a, b) => b.level - a.level),
      slaSeconds: o.slaSeconds,
      agents: (await o.staff.listUsers()).filter((u) => !u.disabled).map(({ id, name, role }) => ({ id, name, role })),
      modelVersion: o.models.current?.version ?? null,
    }));

    app.get('/api/staff/queue', { preHandler: guard('agent') }, async (request) => o.desk.queue(me(request)));

    type WithId = { Params: { id: string } };
    app.get<WithId>('/api/staff/handoffs/:id', { preHandler: guard('agent'), schema: { params: idParam } }, async (request) =>
      o.desk.conversation(me(request), request.params.id),
    );
    app.post<WithId>('/api/staff/handoffs/:id/claim', { preHandler: guard('agent'), schema: { params: idParam } }, async (request) =>
      o.desk.claim(me(request), request.params.id),
    );
    app.post<WithId>('/api/staff/handoffs/:id/release', { preHandler: guard('agent'), schema: { params: idParam } }, async (request) =>
      o.desk.release(me(request), request.params.id),
    );
    app.post<WithId & { Body: { toStaffId: string } }>(
      '/api/staff/handoffs/:id/transfer',
      {
        preHandler: guard('agent'),
        schema: { params: idParam, body: { type: 'object', required: ['toStaffId'], properties: { toStaffId: text(64) } } },
      },
      async (request) => o.desk.transfer(me(request), request.params.id, request.body.toStaffId),
    );
    app.post<WithId & { Body: { text: string } }>(
      '/api/staff/handoffs/:id/reply',
      {
        preHandler: guard('agent'),
        schema: { params: idParam, body: { type: 'object', required: ['text'], properties: { text: text(MAX_REPLY) } } },
      },
      async (request) => {
        if (!request.body.text.trim()) throw new AppError('TEXT_REQUIRED');
        return o.desk.reply(me(request), request.params.id, request.body.text);
      },
    );
    app.post<WithId & { Body: { text: string } }>(
      '/api/staff/handoffs/:id/notes',
      {
        preHandler: guard('agent'),
        schema: { params: idParam, body: { type: 'object', required: ['text'], properties: { text: text(MAX_REPLY) } } },
      },
      async (request) => o.desk.note(me(request), request.params.id, request.body.text),
    );
    app.post<WithId & { Body: { resolution: string } }>(
      '/api/staff/handoffs/:id/close',
      {
        preHandler: guard('agent'),
        schema: { params: idParam, body: { type: 'object', required: ['resolution'], properties: { resolution: text(32) } } },
      },
      async (request) => o.desk.close(me(request), request.params.id, request.body.resolution),
    );
    app.post<{ Params: { id: string; messageId: number } }>(
      '/api/staff/handoffs/:id/messages/:messageId/reveal',
      {
        preHandler: guard('agent'),
        schema: {
          params: {
            type: 'object',
            required: ['id', 'messageId'],
            properties: { id: text(64), messageId: { type: 'integer', minimum: 1, maximum: MAX_CURSOR } },
          },
        },
      },
      async (request) => o.desk.reveal(me(request), request.params.id, request.params.messageId),
    );

    app.get('/api/staff/canned', { preHandler: guard('agent') }, async () => ({ replies: await o.staff.cannedReplies() }));
    app.post<{ Body: { title: string; text: string } }>(
      '/api/staff/canned',
      {
        preHandler: guard('admin'),
        schema: { body: { type: 'object', required: ['title', 'text'], properties: { title: text(40), text: text(MAX_REPLY) } } },
      },
      async (request) => {
        const reply = await o.staff.addCannedReply(request.body.title, request.body.text, o.clock().getTime());
        await o.staff.audit({ staffId: me(request).id, action: 'canned_add', target: String(reply.id), now: o.clock().getTime() });
        return { reply };
      },
    );
    app.delete<{ Params: { id: number } }>(
      '/api/staff/canned/:id',
      {
        preHandler: guard('admin'),
        schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: MAX_CURSOR } } } },
      },
      async (request, reply) => {
        if (!(await o.staff.deleteCannedReply(request.params.id))) throw new AppError('NOT_FOUND');
        await o.staff.audit({
          staffId: me(request).id,
          action: 'canned_delete',
          target: String(request.params.id),
          now: o.clock().getTime(),
        });
        return reply.status(204).send();
      },
    );

    // "locked": failed logins have paused some address for this name (staff/login-throttle.ts).
    const withPause = async <U extends { name: string }>(users: U[]): Promise<Array<U & { locked: boolean }>> => {
      const paused = await o.auth.pausedNames();
      return users.map((u) => ({ ...u, locked: paused.has(u.name) }));
    };
    app.get('/api/staff/users', { preHandler: guard('admin') }, async () => ({
      users: await withPause(await o.staff.listUsers()),
    }));
    app.post<{ Body: { name: string; role: string; password: string } }>(
      '/api/staff/users',
      {
        preHandler: guard('admin'),
        schema: {
          body: {
            type: 'object',
            required: ['name', 'role', 'password'],
            properties: { name: text(32), role: text(16), password: text(256) },
          },
        },
      },
      async (request) => {
        const user = await addStaffUser(o.staff, request.body, o.clock().getTime());
        await o.staff.audit({
          staffId: me(request).id,
          action: 'user_add',
          target: user.id,
          details: { name: user.name, role: user.role },
          now: o.clock().getTime(),
        });
        return { user };
      },
    );
    app.post<{ Params: { id: string }; Body: { disabled?: boolean; unlock?: boolean; password?: string } }>(
      '/api/staff/users/:id',
      {
        preHandler: guard('admin'),
        schema: {
          params: idParam,
          body: {
            type: 'object',
            additionalProperties: false,
            properties: { disabled: { type: 'boolean' }, unlock: { type: 'boolean' }, password: text(256) },
          },
        },
      },
      async (request) => {
        const { disabled, unlock, password } = request.body;
        if (password !== undefined && [...password].length < MIN_PASSWORD_LENGTH)
          throw new AppError('BAD_REQUEST', `The password must have at least ${MIN_PASSWORD_LENGTH} characters`);
        if (disabled && request.params.id === me(request).id) throw new AppError('BAD_REQUEST', 'You cannot disable your own account');
        const changed = await o.staff.updateUser(request.params.id, {
          disabled,
          passwordHash: password === undefined ? undefined : await hashPassword(password),
        });
        if (!changed) throw new AppError('NOT_FOUND', `No staff member ${request.params.id}`);
        const user = (await o.staff.listUsers()).find((u) => u.id === request.params.id);
        if (unlock && user) await o.auth.unlock(user.name);
        await o.staff.audit({
          staffId: me(request).id,
          action: 'user_change',
          target: request.params.id,
          details: { disabled, unlock, password: password === undefined ? undefined : 'changed' },
          now: o.clock().getTime(),
        });
        return { user: user && (await withPause([user]))[0] };
      },
    );
    app.get<{ Querystring: { limit?: number } }>(
      '/api/staff/audit',
      {
        preHandler: guard('admin'),
        schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } } },
      },
      async (request) => ({ entries: await o.staff.auditLog(request.query.limit ?? 100) }),
    );

    // Live updates: server-sent events. Streams are ended before the server
    // closes (preClose), or they would hold shutdown open.
    const streams = new Set<FastifyReply>();
    app.addHook('preClose', async () => {
      for (const s of streams) s.raw.end();
      streams.clear();
    });
    // Who hears what is decided once per event for every console on this instance.
    const live = new LiveStreams({
      events: o.events,
      handoffs: o.desk,
      tickets: o.tickets,
      onError: (err) => app.log.error({ err }, 'live event not sent'),
    });
    app.addHook('onClose', async () => live.close());
    app.get('/api/staff/events', { preHandler: guard('agent') }, async (request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      reply.raw.write('retry: 2000\n: connected\n\n');
      streams.add(reply);
      // Each event is filtered for this staff member's role (and, for tickets, departments).
      const unsubscribe = live.connect(me(request), (update) => reply.raw.write(`data: ${JSON.stringify(update)}\n\n`));
      const heartbeat = setInterval(() => reply.raw.write(': heartbeat\n\n'), 15_000);
      heartbeat.unref();
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(reply);
      });
    });
  };
}

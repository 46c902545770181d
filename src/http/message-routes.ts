/**
 * POST /api/v1/messages — the web channel. Citizens are anonymous, so no
 * login: the chat page's citizen is the identity the server issued in a
 * signed cookie; an integrator backend names its users with the integrator
 * API key (channels/web/citizen-identity.ts). Requests are limited per
 * citizen and per IP; a limited request gets a friendly 429 with the stable
 * code RATE_LIMITED, never a silent drop.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebIdentity } from '../channels/web/citizen-identity.js';
import { AppError } from '../core/errors.js';
import type { RateCounter } from '../core/fleet.js';
import type { ConversationService } from '../dialogue/conversation-service.js';
import { MAX_TEXT_LENGTH } from './parse-routes.js';
import { rateLimitOptions } from './rate-limit-store.js';
import { MAX_CURSOR } from './validation.js';

/** How an integrator names a user (with the API key only). */
const userId = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:@-]+$' } as const;

const messageBody = {
  type: 'object',
  required: ['text'],
  properties: { userId, text: { type: 'string' } },
} as const;

interface MessageBody {
  userId?: string;
  text: string;
}

/** Messages staff (or the assistant on their behalf) sent a web-chat citizen after a cursor. */
export type CitizenInbox = (userId: string, after: number) => Promise<Array<{ id: number; author: string; text: string; at: number }>>;

export interface MessageRouteOptions {
  conversations: ConversationService;
  perUserPerMinute: number;
  perIpPerMinute: number;
  identity: WebIdentity;
  inbox?: CitizenInbox;
  /** Counts shared by the fleet (PostgreSQL); in memory when absent. */
  rates?: RateCounter;
}

const FRIENDLY_429 = '您发送得太快了，请稍等一分钟再试。紧急情况请直接拨打 110 / 119 / 120。';

export function messageRoutes(options: MessageRouteOptions) {
  return async function routes(app: FastifyInstance): Promise<void> {
    await app.register(rateLimit, rateLimitOptions(options.rates, 'messages'));
    const { identity } = options;
    // Who each request is from, settled once before the limits count it.
    const citizenOf = new WeakMap<FastifyRequest, string>();
    const perIp = app.createRateLimit({ max: options.perIpPerMinute, keyGenerator: (req) => `ip:${req.ip}` });
    const perUser = app.createRateLimit({
      max: options.perUserPerMinute,
      keyGenerator: (req) => `user:${citizenOf.get(req) ?? req.ip}`,
    });
    const limited = (reply: FastifyReply, ttl: number) =>
      reply
        .status(429)
        .header('retry-after', Math.ceil(ttl / 1000))
        .send({ error: { code: 'RATE_LIMITED', message: FRIENDLY_429 }, replies: [{ type: 'text', text: FRIENDLY_429 }] });

    app.post<{ Body: MessageBody }>(
      '/api/v1/messages',
      {
        schema: { body: messageBody },
        preHandler: async (request: FastifyRequest<{ Body: MessageBody }>, reply: FastifyReply) => {
          citizenOf.set(request, identity.sender(request, reply, request.body.userId));
          for (const check of [perUser, perIp]) {
            const limit = await check(request);
            if (!limit.isAllowed && limit.isExceeded) return limited(reply, limit.ttl);
          }
        },
      },
      async (request) => {
        const { text } = request.body;
        const userId = citizenOf.get(request) as string;
        if (!text.trim()) throw new AppError('TEXT_REQUIRED');
        if (text.length > MAX_TEXT_LENGTH) throw new AppError('TEXT_TOO_LONG', `Field "text" is longer than ${MAX_TEXT_LENGTH} characters`);
        return options.conversations.handle({ channel: 'web', userId, text });
      },
    );

    // The chat page polls here for staff replies, the rating question and
    // notices; what it fetches counts as delivered. Only the citizen's own
    // cookie (or the integrator key) opens an inbox.
    const inbox = options.inbox;
    if (inbox) {
      const readerOf = new WeakMap<FastifyRequest, string | null>();
      // One poll every few seconds per open chat; limited per chat, not per IP (citizens share NATs).
      const perPoller = app.createRateLimit({ max: 60, keyGenerator: (req) => `poll:${readerOf.get(req) ?? req.ip}` });
      app.get<{ Querystring: { userId?: string; after?: number } }>(
        '/api/v1/messages',
        {
          schema: {
            querystring: {
              type: 'object',
              properties: { userId, after: { type: 'integer', minimum: 0, maximum: MAX_CURSOR } },
            },
          },
          preHandler: async (request: FastifyRequest<{ Querystring: { userId?: string } }>, reply: FastifyReply) => {
            readerOf.set(request, identity.reader(request, request.query.userId));
            const limit = await perPoller(request);
            if (!limit.isAllowed && limit.isExceeded) return limited(reply, limit.ttl);
          },
        },
        async (request) => {
          const after = request.query.after ?? 0;
          const reader = readerOf.get(request);
          // A browser never given an identity has nothing waiting for it.
          const messages = reader ? await inbox(reader, after) : [];
          return { messages, cursor: messages.at(-1)?.id ?? after };
        },
      );
    }
  };
}

/**
 * The Wenzheng application as a Fastify plugin. main.ts registers it on a
 * real server; tests build the same app and inject requests.
 */
import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { WebIdentity } from './channels/web/citizen-identity.js';
import { WechatApiClient } from './channels/wechat-oa/api-client.js';
import { clickActions, loadMenu } from './channels/wechat-oa/menu.js';
import { wechatWebhook } from './channels/wechat-oa/webhook.js';
import type { Config } from './config.js';
import type { AnalyticsQuery } from './core/analytics.js';
import { AppError } from './core/errors.js';
import type { RateCounter } from './core/fleet.js';
import type { ConversationStore, TokenCache } from './core/stores.js';
import type { ConversationService } from './dialogue/conversation-service.js';
import type { Behaviour } from './dialogue/definitions.js';
import { analyticsRoutes } from './http/analytics-routes.js';
import { consoleAssets } from './http/console-assets.js';
import { registerErrorHandler } from './http/error-handler.js';
import { loadHtmlPage, sendHtmlPage } from './http/html-page.js';
import { type CitizenInbox, messageRoutes } from './http/message-routes.js';
import { metricsRoute } from './http/metrics-route.js';
import { type ModelRouteOptions, modelRoutes } from './http/model-routes.js';
import { parseRoutes } from './http/parse-routes.js';
import { type ReviewRouteOptions, reviewRoutes } from './http/review-routes.js';
import { type StaffRouteOptions, staffRoutes } from './http/staff-routes.js';
import { type TicketRouteOptions, ticketRoutes } from './http/ticket-routes.js';
import { validatorCompiler } from './http/validation.js';
import type { ModelHolder } from './nlu/model-holder.js';
import type { PrometheusTelemetry } from './observability/prometheus.js';
import type { StorageDescription } from './storage/storage.js';

export interface AppDeps {
  config: Config;
  models: ModelHolder;
  conversations?: ConversationService;
  /** Needed by the WeChat channel (messages it sends itself). */
  behaviour?: Behaviour;
  /** Where the WeChat access_token is cached. */
  tokens?: TokenCache;
  /** Checked by /readyz. */
  store?: ConversationStore;
  /** Which database /readyz reports (kind and location, no password). */
  storage?: { describe(): StorageDescription };
  /** Prometheus metrics, served at /metrics when given (METRICS_TOKEN or this host only). */
  metrics?: PrometheusTelemetry;
  /** The WeChat customer-service client (shared with staff replies). */
  wechatApi?: WechatApiClient;
  /** The staff console and its API. */
  staff?: StaffRouteOptions;
  /** The review queue for maintainers (/api/staff/review, /console/review). */
  review?: ReviewRouteOptions;
  /** Model versions, retraining and rollback for maintainers (/api/staff/models, /console/models). */
  modelAdmin?: ModelRouteOptions;
  /** What staff sent a web-chat citizen (polled by the chat page). */
  citizenInbox?: CitizenInbox;
  /** Service analytics (dashboard and JSON) for maintainers; needs `staff` for sessions. */
  analytics?: AnalyticsQuery;
  /** Signs the web citizen's identity cookie (citizenCookieSecret); without it, one for this process only. */
  citizenCookieSecret?: string;
  /** Rate-limit counts shared by the fleet (PostgreSQL); in memory when absent. */
  rates?: RateCounter;
  /** Ticket work for staff (/api/staff/tickets, /console/tickets). */
  tickets?: TicketRouteOptions;
  /** Department names, for the dashboard's ticket panel. */
  departmentName?: (id: string | null) => string;
}

// Served with a CSP that allows exactly its own inline script and style blocks, like the console pages.
const chatPage = loadHtmlPage(new URL('./channels/web/chat.html', import.meta.url));

export async function wenzhengApp(app: FastifyInstance, deps: AppDeps): Promise<void> {
  registerErrorHandler(app);
  // JSON bodies are checked as sent, without Fastify's type coercion (http/validation.ts).
  app.setValidatorCompiler(validatorCompiler);
  // Cookies (the staff session, the web citizen's signed identity) are parsed app-wide, so every staff feature's routes can use requireStaff.
  await app.register(cookie, { secret: deps.citizenCookieSecret ?? randomBytes(32).toString('base64url') });
  const identity = new WebIdentity({ apiKey: deps.config.INTEGRATION_API_KEY, cookieSecure: deps.config.COOKIE_SECURE });
  app.decorateRequest('staff', null);
  // Baseline headers on every response (the console adds its own CSP).
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'SAMEORIGIN');
    reply.header('referrer-policy', 'same-origin');
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Ready means: a model is loaded and the database takes writes.
  app.get('/readyz', async (_req, reply) => {
    const model = deps.models.current;
    const database = deps.store ? await deps.store.writable() : null;
    const storage = deps.storage?.describe();
    if (!model || database === false)
      return reply.status(503).send({ status: 'not_ready', model: model?.version ?? null, database, storage });
    return { status: 'ready', model: model.version, database, storage };
  });
  if (deps.metrics) await app.register(metricsRoute(deps.metrics, deps.config.METRICS_TOKEN));
  app.get('/', async (request, reply) => {
    if (!chatPage) throw new AppError('NOT_FOUND', 'The chat page is not installed');
    // The citizen's identity is issued with the page, before their first message.
    identity.ensureCitizen(request, reply);
    return sendHtmlPage(reply, chatPage);
  });
  await app.register(parseRoutes(deps.models, deps.config.RATE_LIMIT_PARSE_PER_MINUTE, deps.rates));
  if (deps.conversations) {
    await app.register(
      messageRoutes({
        conversations: deps.conversations,
        perUserPerMinute: deps.config.RATE_LIMIT_USER_PER_MINUTE,
        perIpPerMinute: deps.config.RATE_LIMIT_IP_PER_MINUTE,
        identity,
        inbox: deps.citizenInbox,
        rates: deps.rates,
      }),
    );
  }
  // What the console pages (/console, /console/review, /models, /tickets) load beside themselves.
  await app.register(consoleAssets);
  if (deps.staff) {
    await app.register(staffRoutes({ ...deps.staff, rates: deps.rates }));
    if (deps.analytics) {
      const lowConfidence = deps.config.REVIEW_LOW_CONFIDENCE;
      await app.register(
        analyticsRoutes({
          auth: deps.staff.auth,
          analytics: deps.analytics,
          clock: deps.staff.clock,
          lowConfidence,
          departmentName: deps.departmentName,
        }),
      );
    }
  }
  if (deps.review) await app.register(reviewRoutes(deps.review));
  if (deps.modelAdmin) await app.register(modelRoutes(deps.modelAdmin));
  if (deps.tickets) await app.register(ticketRoutes(deps.tickets));
  const c = deps.config;
  if (c.WECHAT_TOKEN && c.WECHAT_APPID && c.WECHAT_SECRET && deps.conversations && deps.behaviour && deps.tokens) {
    const m = deps.behaviour.dialogue.messages;
    await app.register(
      wechatWebhook({
        token: c.WECHAT_TOKEN,
        appId: c.WECHAT_APPID,
        aesKey: c.WECHAT_AES_KEY,
        aesKeyPrevious: c.WECHAT_AES_KEY_PREVIOUS,
        allowPlaintext: c.WECHAT_ALLOW_PLAINTEXT,
        replayWindowSeconds: c.WECHAT_REPLAY_WINDOW_SECONDS,
        replyDeadlineMs: c.WECHAT_REPLY_DEADLINE_MS,
        conversations: deps.conversations,
        api:
          deps.wechatApi ??
          new WechatApiClient({ appId: c.WECHAT_APPID, secret: c.WECHAT_SECRET, apiBase: c.WECHAT_API_BASE, tokens: deps.tokens }),
        menu: clickActions(loadMenu(c.WECHAT_MENU_FILE)),
        telemetry: deps.metrics,
        messages: {
          welcome: m.welcome ?? '',
          unsupported_media: m.unsupported_media ?? '',
          voice_unrecognised: m.voice_unrecognised ?? '',
        },
      }),
    );
  }
}

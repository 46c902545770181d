/**
 * Wires the running parts around one storage (SQLite or PostgreSQL, see
 * storage/open-storage.ts) and one model holder: stores,
 * metrics, dialogue engine, conversation service, the staff desk and the
 * HTTP server. The product (main.ts), the benchmark server and the tests all
 * assemble the app here, so a benchmark or test measures what production runs.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { citizenCookieSecret } from './channels/web/citizen-identity.js';
import { WechatApiClient } from './channels/wechat-oa/api-client.js';
import { wechatStaffSender } from './channels/wechat-oa/staff-sender.js';
import type { WechatyChannelOptions } from './channels/wechaty/wechaty-channel.js';
import type { WechatyOnLeader } from './channels/wechaty/wechaty-on-leader.js';
import type { Config } from './config.js';
import type { DepartmentClassifier, DepartmentCorrections } from './core/dispatch.js';
import type { Fleet } from './core/fleet.js';
import type { StaffStore } from './core/staff.js';
import { ConversationService } from './dialogue/conversation-service.js';
import type { Behaviour } from './dialogue/definitions.js';
import { DialogueEngine } from './dialogue/engine.js';
import { officeHours } from './dialogue/office-hours.js';
import { composeDispatch, type Dispatch } from './dispatch/compose-dispatch.js';
import { localFleet } from './fleet/local-fleet.js';
import { ModelHolder } from './nlu/model-holder.js';
import { ModelStore } from './nlu/model-store.js';
import { ParsePool } from './nlu/parse-pool.js';
import { PrometheusTelemetry } from './observability/prometheus.js';
import { RetentionJob } from './privacy/retention.js';
import { pickableIntents } from './review/labels.js';
import { ReviewCorpus } from './review/review-corpus.js';
import { ReviewService } from './review/review-service.js';
import { buildServer } from './server.js';
import { StaffAuth } from './staff/auth.js';
import { StaffDesk } from './staff/desk.js';
import { type HandoffEvent, StaffEvents } from './staff/events.js';
import { ModelDesk } from './staff/model-desk.js';
import { CitizenOutbox } from './staff/outbox.js';
import type { ConversationRecords, Storage } from './storage/storage.js';
import { composeTickets, type TicketWork } from './tickets/compose-tickets.js';
import { departmentName } from './tickets/department-names.js';

export interface Composed {
  store: ConversationRecords;
  staff: StaffStore;
  metrics: PrometheusTelemetry;
  conversations: ConversationService;
  desk: StaffDesk;
  events: StaffEvents;
  /** Channels register how staff messages reach their citizens. */
  outbox: CitizenOutbox;
  /** The Wechaty bot, run on the fleet's leader (WECHATY_PUPPET); the caller starts its campaign once the server listens. */
  wechaty?: WechatyOnLeader;
  /** 派单: the department list, the dispatch classifier and staff corrections. */
  dispatch: Dispatch;
  /** Ticket work (issue 13): dispatch on filing and the staff's ticket desk; absent where the storage has no ticket store. */
  tickets?: TicketWork;
  server: FastifyInstance;
}

const STAFF_EVENT: Partial<Record<string, HandoffEvent['type']>> = {
  'handoff.requested': 'handoff.created',
  'handoff.message': 'handoff.message',
  'handoff.left': 'handoff.closed',
  'handoff.rated': 'handoff.rated',
};

export async function composeApp(o: {
  config: Config;
  /** Opened (and closed) by the caller: openStorage(config, { serving: true }). */
  storage: Storage;
  models: ModelHolder;
  /** The dispatch model (main.ts loads it; without it every ticket waits in 待分派). */
  dispatchModels?: ModelHolder;
  behaviour: Behaviour;
  log: Logger;
  clock?: () => Date;
  /** Lets tests interpose on the store (e.g. slow commits). */
  wrapStore?: (store: ConversationRecords) => ConversationRecords;
  /** Fastify's own logger; defaults to the configured level. */
  httpLogger?: boolean | object;
  /** Several instances' coordination (openFleet), opened and closed by the caller; one process by default. */
  fleet?: Fleet;
  /** Tests: the Wechaty puppet (a factory of mock puppets) instead of WECHATY_PUPPET. */
  wechatyPuppet?: WechatyChannelOptions['puppet'];
  /** Tests: a stand-in dispatch classifier and corrections instead of the dispatch model's (read at each use). */
  dispatchWith?: { classifier: () => DepartmentClassifier | null; corrections: () => DepartmentCorrections | null };
}): Promise<Composed> {
  const c = o.config;
  const clock = o.clock ?? (() => new Date());
  const plain = o.storage.conversations;
  const store = o.wrapStore ? o.wrapStore(plain) : plain;
  const staff = o.storage.staff;
  const metrics = new PrometheusTelemetry(store);
  if (o.storage.poolStats) metrics.databasePool(o.storage.poolStats);
  const fleet = o.fleet ?? localFleet();
  fleet.watchLockWaits?.(metrics.lockWaits());
  const events = new StaffEvents(fleet.bus);
  const modelStore = new ModelStore(c.modelsDir);
  const dispatch = composeDispatch(c, o.dispatchModels ?? new ModelHolder());
  const pool =
    c.PARSE_THREADS > 0
      ? new ParsePool({
          threads: c.PARSE_THREADS,
          holder: o.models,
          dirOf: (v) => modelStore.pathOf(v),
          log: o.log.child({ module: 'parse' }),
        })
      : undefined;
  if (pool) metrics.parseThreads(() => pool.readyThreads);
  // The desk needs the conversations and they tell the desk of each turn: bound once both exist.
  let deskOf: StaffDesk | undefined;
  let ticketWork: TicketWork | undefined;
  const dialogueLog = o.log.child({ module: 'dialogue' });
  const conversations = new ConversationService({
    store,
    models: o.models,
    understand: pool ? (text, now) => pool.parse(text, now) : undefined,
    telemetry: metrics,
    engine: new DialogueEngine(o.behaviour, {
      officeHours: officeHours(c.OFFICE_HOURS, c.OFFICE_DAYS, o.behaviour.calendar),
      emergencyDesk24h: c.EMERGENCY_DESK_24H,
    }),
    clock,
    log: dialogueLog,
    locks: fleet.locks,
    // The web chat picks staff messages up by polling; other channels may hold some until the citizen writes.
    onCommitted: (conversation) => {
      if (conversation.channel !== 'web' && deskOf)
        deskOf.redeliver(conversation).catch((e: unknown) => dialogueLog.error({ err: e }, 'redelivery failed'));
    },
    onEvents: (happened) => {
      for (const e of happened) {
        if (e.type === 'ticket.created') ticketWork?.filed(e.id);
        const type = STAFF_EVENT[e.type];
        if (type) events.publish({ type, handoffId: e.id });
      }
    },
  });
  const analytics = o.storage.analytics;
  const outbox = new CitizenOutbox();
  const wechatApi =
    c.WECHAT_TOKEN && c.WECHAT_APPID && c.WECHAT_SECRET
      ? new WechatApiClient({
          appId: c.WECHAT_APPID,
          secret: c.WECHAT_SECRET,
          apiBase: c.WECHAT_API_BASE,
          tokens: store,
          locks: fleet.locks,
        })
      : undefined;
  if (wechatApi) outbox.register('wechat-oa', wechatStaffSender(wechatApi));
  const m = o.behaviour.dialogue.messages;
  const desk = new StaffDesk({
    staff,
    conversationStore: store,
    conversations,
    outbox,
    events,
    messages: { rating_prompt: m.rating_prompt ?? '', handoff_idle_returned: m.handoff_idle_returned ?? '' },
    clock,
    slaSeconds: c.STAFF_SLA_SECONDS,
    idleMinutes: c.HANDOFF_IDLE_MINUTES,
    locks: fleet.locks,
    log: o.log.child({ module: 'desk' }),
  });
  deskOf = desk;
  // Wechaty is imported only when configured: loading it costs ~80 MB of resident memory.
  const puppet = o.wechatyPuppet ?? c.WECHATY_PUPPET;
  const wechaty = puppet
    ? (await import('./channels/wechaty/wechaty-on-leader.js')).wechatyOnLeader({
        puppet,
        puppetToken: c.WECHATY_PUPPET_TOKEN,
        conversations,
        outbox,
        leadership: fleet.leadership,
        unsupportedMessage: m.unsupported_media ?? '',
        log: o.log.child({ module: 'wechaty' }),
      })
    : undefined;
  if (wechaty) metrics.leader('wechaty', () => wechaty.leading);
  if (o.storage.tickets)
    ticketWork = composeTickets({
      config: c,
      tickets: o.storage.tickets,
      staff,
      outbox,
      events,
      departments: dispatch.departments,
      // No dispatch model yet (none trained, none loaded): null, and the ticket waits in 待分派 as such.
      classifier: o.dispatchWith?.classifier ?? (() => (dispatch.models.current ? dispatch.classifier : null)),
      corrections: o.dispatchWith?.corrections ?? (() => dispatch.corrections),
      calendar: o.behaviour.calendar,
      messages: o.behaviour.dialogue.messages,
      metrics,
      clock,
      log: o.log,
    });
  const auth = new StaffAuth({
    store: staff,
    clock,
    sessionHours: c.STAFF_SESSION_HOURS,
    maxFailures: c.LOGIN_MAX_FAILURES,
    lockMinutes: c.LOGIN_LOCK_MINUTES,
  });
  // Labels go to the corpus the server was configured with (CORPUS_DIR), versioned with it.
  const review = new ReviewService({
    store: o.storage.review,
    corpus: new ReviewCorpus(c.CORPUS_DIR),
    knownIntents: () => pickableIntents(o.models.current?.manifest.intents ?? []),
    modelVersion: () => o.models.version,
    audit: (e) => staff.audit(e),
    clock,
    lowConfidence: c.REVIEW_LOW_CONFIDENCE,
  });
  const modelDesk = new ModelDesk({
    registry: o.storage.modelRegistry,
    store: modelStore,
    holder: o.models,
    dispatch: { registry: o.storage.dispatchModelRegistry, store: new ModelStore(c.dispatchModelsDir), holder: dispatch.models },
    staff,
    env: { DATA_DIR: c.DATA_DIR, CORPUS_DIR: c.CORPUS_DIR, INTENTS_DIR: c.INTENTS_DIR, DISPATCH_MIN_SCORE: String(c.DISPATCH_MIN_SCORE) },
    clock,
    log: o.log.child({ module: 'models' }),
  });
  const server = await buildServer(
    {
      config: c,
      models: o.models,
      conversations,
      behaviour: o.behaviour,
      tokens: store,
      store,
      storage: o.storage,
      metrics,
      wechatApi,
      citizenInbox: async (userId, after) => {
        const { messages, delivered } = await staff.takeForCitizen('web', userId, after);
        for (const handoffId of delivered) events.publish({ type: 'handoff.delivered', handoffId });
        return messages;
      },
      analytics,
      citizenCookieSecret: await citizenCookieSecret(c.CITIZEN_COOKIE_SECRET, c.DATA_DIR, o.storage.sharedSecret),
      rates: fleet.rates,
      staff: {
        auth,
        desk,
        staff,
        events,
        tickets: ticketWork?.desk,
        models: o.models,
        slaSeconds: c.STAFF_SLA_SECONDS,
        cookieSecure: c.COOKIE_SECURE,
        clock,
      },
      review: { auth, review },
      modelAdmin: { auth, models: modelDesk, staff, clock },
      tickets: ticketWork ? { auth, desk: ticketWork.desk } : undefined,
      departmentName: (id) => departmentName(dispatch.departments, id),
    },
    o.httpLogger === undefined ? {} : { logger: o.httpLogger },
  );
  desk.start(undefined, fleet.jobs);
  ticketWork?.dispatcher.start(undefined, fleet.jobs);
  const retention = new RetentionJob({
    store: o.storage.privacy,
    days: c.RETENTION_DAYS,
    clock,
    log: o.log.child({ module: 'privacy' }),
  });
  retention.start(undefined, fleet.jobs);
  server.addHook('onClose', async () => {
    // First: a stand-by takes the bot over while the rest shuts down.
    await wechaty?.resign();
    modelDesk.stop();
    desk.stop();
    ticketWork?.dispatcher.stop();
    retention.stop();
    await pool?.close();
  });
  return { store, staff, metrics, conversations, desk, events, outbox, wechaty, dispatch, tickets: ticketWork, server };
}

/**
 * Wires the running parts around one database and one model holder: stores,
 * metrics, dialogue engine, conversation service, the staff desk and the
 * HTTP server. The product (main.ts), the benchmark server and the tests all
 * assemble the app here, so a benchmark or test measures what production runs.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { WechatApiClient } from './channels/wechat-oa/api-client.js';
import { wechatStaffSender } from './channels/wechat-oa/staff-sender.js';
import type { Config } from './config.js';
import type { DepartmentClassifier, DepartmentCorrections } from './core/dispatch.js';
import { ConversationService } from './dialogue/conversation-service.js';
import type { Behaviour } from './dialogue/definitions.js';
import { DialogueEngine } from './dialogue/engine.js';
import { officeHours } from './dialogue/office-hours.js';
import { composeDispatch, type Dispatch } from './dispatch/compose-dispatch.js';
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
import { type StaffEvent, StaffEvents } from './staff/events.js';
import { ModelDesk } from './staff/model-desk.js';
import { CitizenOutbox } from './staff/outbox.js';
import { SqliteAnalyticsStore } from './storage/analytics-store.js';
import { ThreadedAnalytics } from './storage/analytics-thread.js';
import { SqliteModelRegistry } from './storage/model-registry.js';
import { SqlitePrivacyStore } from './storage/privacy-store.js';
import { SqliteReviewStore } from './storage/review-store.js';
import { checkpointInBackground, type Db } from './storage/sqlite.js';
import { SqliteStore } from './storage/sqlite-store.js';
import { SqliteStaffStore } from './storage/staff-store.js';
import { SqliteTicketStore } from './storage/ticket-store.js';
import { CitizenNotice } from './tickets/citizen-notice.js';
import { departmentName } from './tickets/department-names.js';
import { TicketDispatcher } from './tickets/dispatcher.js';
import { parseDueDays } from './tickets/due-dates.js';
import { TicketDesk } from './tickets/ticket-desk.js';

export interface Composed {
  store: SqliteStore;
  staff: SqliteStaffStore;
  metrics: PrometheusTelemetry;
  conversations: ConversationService;
  desk: StaffDesk;
  events: StaffEvents;
  /** Channels register how staff messages reach their citizens (main.ts adds Wechaty). */
  outbox: CitizenOutbox;
  /** Ticket work (issue 13): dispatch on filing, and the staff's ticket desk. */
  dispatcher: TicketDispatcher;
  tickets: TicketDesk;
  /** 派单: the department list, the dispatch classifier and staff corrections. */
  dispatch: Dispatch;
  server: FastifyInstance;
}

const STAFF_EVENT: Partial<Record<string, StaffEvent['type']>> = {
  'handoff.requested': 'handoff.created',
  'handoff.message': 'handoff.message',
  'handoff.left': 'handoff.closed',
  'handoff.rated': 'handoff.rated',
};

export async function composeApp(o: {
  config: Config;
  db: Db;
  models: ModelHolder;
  /** The dispatch model (main.ts loads it; without it every ticket waits in 待分派). */
  dispatchModels?: ModelHolder;
  behaviour: Behaviour;
  log: Logger;
  clock?: () => Date;
  /** Lets tests interpose on the store (e.g. slow commits). */
  wrapStore?: (store: SqliteStore) => SqliteStore;
  /** Fastify's own logger; defaults to the configured level. */
  httpLogger?: boolean | object;
  /** Tests: a stand-in dispatch classifier and corrections instead of the dispatch model's (read at each use). */
  dispatchWith?: { classifier: () => DepartmentClassifier | null; corrections: () => DepartmentCorrections | null };
}): Promise<Composed> {
  const c = o.config;
  const clock = o.clock ?? (() => new Date());
  const plain = new SqliteStore(o.db);
  const store = o.wrapStore ? o.wrapStore(plain) : plain;
  const staff = new SqliteStaffStore(o.db);
  const metrics = new PrometheusTelemetry(store);
  const events = new StaffEvents();
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
  const departments = dispatch.departments;
  const ticketStore = new SqliteTicketStore(o.db);
  const dispatcher = new TicketDispatcher({
    tickets: ticketStore,
    // No dispatch model yet (none trained, none loaded): null, and the ticket waits in 待分派 as such.
    classifier: o.dispatchWith?.classifier ?? (() => (dispatch.models.current ? dispatch.classifier : null)),
    departments,
    dueDays: parseDueDays(c.TICKET_DUE_DAYS, { complaint: 5, suggestion: 10, callback: 2, follow_up: 3 }),
    officeDays: c.OFFICE_DAYS,
    calendar: o.behaviour.calendar,
    clock,
    log: o.log.child({ module: 'dispatch' }),
  });
  metrics.tickets(() => ticketStore.counts(clock().getTime()));
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
    // The web chat picks staff messages up by polling; other channels may hold some until the citizen writes.
    onCommitted: (conversation) => {
      if (conversation.channel !== 'web' && deskOf)
        deskOf.redeliver(conversation).catch((e: unknown) => dialogueLog.error({ err: e }, 'redelivery failed'));
    },
    onEvents: (happened) => {
      for (const e of happened) {
        // After the commit, off the citizen's reply: see src/tickets/dispatcher.ts.
        if (e.type === 'ticket.created') void dispatcher.dispatch(e.id);
        const type = STAFF_EVENT[e.type];
        if (type) events.publish({ type, handoffId: e.id });
      }
    },
  });
  // Long-range reads on their own thread and connection, off the serving event loop.
  const threadedAnalytics = o.db.memory ? undefined : new ThreadedAnalytics(o.db.name);
  const analytics = threadedAnalytics ?? new SqliteAnalyticsStore(o.db);
  const outbox = new CitizenOutbox();
  const wechatApi =
    c.WECHAT_TOKEN && c.WECHAT_APPID && c.WECHAT_SECRET
      ? new WechatApiClient({ appId: c.WECHAT_APPID, secret: c.WECHAT_SECRET, apiBase: c.WECHAT_API_BASE, tokens: store })
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
    log: o.log.child({ module: 'desk' }),
  });
  deskOf = desk;
  // A handoff that became a callback ticket (WeChat window closed) is dispatched like any other.
  events.subscribe((e) => {
    if (e.type !== 'handoff.callback') return;
    void staff.handoff(e.handoffId).then((h) => (h?.callbackReference ? dispatcher.dispatch(h.callbackReference) : undefined));
  });
  const tickets = new TicketDesk({
    tickets: ticketStore,
    staff,
    departments,
    corrections: o.dispatchWith?.corrections ?? (() => dispatch.corrections),
    notice: new CitizenNotice({
      tickets: ticketStore,
      staff,
      outbox,
      departments,
      messages: o.behaviour.dialogue.messages,
      log: o.log.child({ module: 'tickets' }),
    }),
    clock,
    log: o.log.child({ module: 'tickets' }),
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
    store: new SqliteReviewStore(o.db),
    corpus: new ReviewCorpus(c.CORPUS_DIR),
    knownIntents: () => pickableIntents(o.models.current?.manifest.intents ?? []),
    modelVersion: () => o.models.version,
    audit: (e) => staff.audit(e),
    clock,
    lowConfidence: c.REVIEW_LOW_CONFIDENCE,
  });
  const modelDesk = new ModelDesk({
    registry: new SqliteModelRegistry(o.db),
    store: modelStore,
    holder: o.models,
    staff,
    env: { DATA_DIR: c.DATA_DIR, CORPUS_DIR: c.CORPUS_DIR },
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
      metrics,
      wechatApi,
      citizenInbox: async (userId, after) => {
        const { messages, delivered } = await staff.takeForCitizen('web', userId, after);
        for (const handoffId of delivered) events.publish({ type: 'handoff.delivered', handoffId });
        return messages;
      },
      analytics,
      staff: {
        auth,
        desk,
        staff,
        events,
        models: o.models,
        slaSeconds: c.STAFF_SLA_SECONDS,
        cookieSecure: c.COOKIE_SECURE,
        clock,
      },
      review: { auth, review },
      modelAdmin: { auth, models: modelDesk, staff, clock },
      tickets: { auth, desk: tickets },
      departmentName: (id) => departmentName(departments, id),
    },
    o.httpLogger === undefined ? {} : { logger: o.httpLogger },
  );
  desk.start();
  dispatcher.start();
  const retention = new RetentionJob({
    store: new SqlitePrivacyStore(o.db),
    days: c.RETENTION_DAYS,
    clock,
    log: o.log.child({ module: 'privacy' }),
  });
  retention.start();
  // WAL checkpoints run on a worker thread, off the path of every message.
  const checkpoints = checkpointInBackground(o.db);
  server.addHook('onClose', async () => {
    modelDesk.stop();
    desk.stop();
    dispatcher.stop();
    retention.stop();
    await checkpoints.stop();
    await pool?.close();
    await threadedAnalytics?.close();
  });
  return { store, staff, metrics, conversations, desk, events, outbox, dispatch, dispatcher, tickets, server };
}

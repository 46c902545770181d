/**
 * Builds the real app with the shipped model, for whole-flow tests: on a
 * fresh SQLite file, or with `store: 'postgres'` on a fresh PostgreSQL
 * database (dropped at close; see helpers/postgres.ts); several apps on one
 * fresh PostgreSQL database with startAppsOnFreshDatabase.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { inject } from 'vitest';
import type { WechatyOnLeader } from '../../src/channels/wechaty/wechaty-on-leader.js';
import { composeApp } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import type { StaffStore } from '../../src/core/staff.js';
import type { ConversationService } from '../../src/dialogue/conversation-service.js';
import { loadBehaviour } from '../../src/dialogue/definitions.js';
import { loadArtifact } from '../../src/nlu/artifact.js';
import type { NluModel } from '../../src/nlu/model.js';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import type { buildServer } from '../../src/server.js';
import type { StaffDesk } from '../../src/staff/desk.js';
import type { StaffEvents } from '../../src/staff/events.js';
import type { CitizenOutbox } from '../../src/staff/outbox.js';
import { openFleet } from '../../src/storage/open-fleet.js';
import { type AnyStorage, openStorage } from '../../src/storage/open-storage.js';
import type { PgFleetOptions } from '../../src/storage/postgres/pg-fleet.js';
import type { ConversationRecords } from '../../src/storage/storage.js';
import type { TicketDispatcher } from '../../src/tickets/dispatcher.js';
import type { TicketDesk } from '../../src/tickets/ticket-desk.js';
import { INTEGRATOR, TEST_INTEGRATION_KEY } from './integrator.js';
import { freshDatabase, type TestDatabase } from './pg-database.js';

export { INTEGRATOR, TEST_INTEGRATION_KEY };

let shipped: NluModel | undefined;
export function shippedModel(): NluModel {
  shipped ??= loadArtifact(inject('shippedModelDir'));
  return shipped;
}

const behaviour = loadBehaviour('intents');

export interface TestApp {
  app: Awaited<ReturnType<typeof buildServer>>;
  store: ConversationRecords;
  /** Staff accounts, sessions, audit log and the handoff desk's storage. */
  staff: StaffStore;
  storage: AnyStorage;
  desk: StaffDesk;
  outbox: CitizenOutbox;
  conversations: ConversationService;
  /** What the console's live updates hear. */
  events: StaffEvents;
  /** The Wechaty bot on the fleet's leader, when started with `wechatyPuppet` (its campaign already started). */
  wechaty?: WechatyOnLeader;
  /** Dispatch on filing and the staff's ticket desk (on a storage with a ticket store). */
  dispatcher: TicketDispatcher;
  tickets: TicketDesk;
  /** The SQLite file (on PostgreSQL: where it would be; DATA_DIR holds the models). */
  dbFile: string;
  /** The PostgreSQL database, when running on one. */
  database?: TestDatabase;
  /** Closes this app and starts another on the same database (a restart). */
  restart(): Promise<TestApp>;
  close(): Promise<void>;
}

/** A stand-in for ticket parts the storage has none of: any use says so. */
function missing<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: () => {
      throw new Error(`no ${what}: this storage has no ticket store`);
    },
  });
}

export interface StartOptions {
  dbFile?: string;
  clock: () => Date;
  env?: Record<string, string>;
  wrapStore?: (s: ConversationRecords) => ConversationRecords;
  /** Another model than the shipped one (e.g. a tiny model a test retrains and swaps). */
  models?: ModelHolder;
  /** A stand-in dispatch classifier and corrections (tests about tickets, not the model). */
  dispatch?: Parameters<typeof composeApp>[0]['dispatchWith'];
  /** The real dispatch model (tests of dispatch itself); none: every ticket waits in 待分派. */
  dispatchModels?: ModelHolder;
  /** Which database (default SQLite). */
  store?: 'sqlite' | 'postgres';
  /** Reuse this PostgreSQL database instead of making a fresh one (it is then not dropped at close). */
  database?: TestDatabase;
  /** Runs the Wechaty channel with this puppet (e.g. mockAccount().puppet), campaigning for the bot as main.ts does. */
  wechatyPuppet?: Parameters<typeof composeApp>[0]['wechatyPuppet'];
  /** Leadership timings on PostgreSQL (see pg-leadership.ts). */
  leadership?: PgFleetOptions['leadership'];
}

/** `clock` is read on every message, so a test can move time. */
export async function startApp(options: StartOptions): Promise<TestApp> {
  return start(options, options.database === undefined);
}

async function start(options: StartOptions, dropAtClose: boolean): Promise<TestApp> {
  const dbFile = options.dbFile ?? path.join(mkdtempSync(path.join(tmpdir(), 'wz-app-')), 'wenzheng.db');
  const postgres = options.store === 'postgres' || options.database !== undefined;
  const database = postgres ? (options.database ?? (await freshDatabase())) : undefined;
  const config = loadConfig({
    DATA_DIR: path.dirname(dbFile),
    LOG_LEVEL: 'silent',
    INTEGRATION_API_KEY: TEST_INTEGRATION_KEY,
    ...(database ? { DATABASE_URL: database.url, DATABASE_POOL_MAX: '4' } : {}),
    ...options.env,
  });
  const storage = await openStorage(config, { serving: true });
  // On PostgreSQL, the fleet's coordination as main.ts opens it (locks, bus, job ticks, shared rate limits).
  const fleet = await openFleet(storage, { poolMax: config.DATABASE_POOL_MAX, leadership: options.leadership });
  const { server: app, ...parts } = await composeApp({
    config,
    storage,
    fleet,
    models: options.models ?? new ModelHolder(shippedModel()),
    behaviour,
    log: pino({ level: 'silent' }),
    clock: options.clock,
    wrapStore: options.wrapStore,
    dispatchWith: options.dispatch,
    dispatchModels: options.dispatchModels,
    wechatyPuppet: options.wechatyPuppet,
    httpLogger: false,
  });
  parts.wechaty?.start();
  const close = async () => {
    await app.close();
    await fleet.close();
    await storage.close();
  };
  const { tickets, ...rest } = parts;
  return {
    ...rest,
    // Tests of ticket work run where the storage has a ticket store (SQLite, PostgreSQL); elsewhere these throw when used.
    dispatcher: tickets?.dispatcher ?? missing<TicketDispatcher>('dispatcher'),
    tickets: tickets?.desk ?? missing<TicketDesk>('ticket desk'),
    app,
    storage,
    dbFile,
    database,
    async restart() {
      await close();
      // The database outlives the restart; the last app on it drops it if the first made it.
      return start({ ...options, dbFile, database }, dropAtClose);
    },
    async close() {
      await close();
      if (dropAtClose) await database?.drop();
    },
  };
}

/** What each app of startAppsOnFreshDatabase is started with: the database is the shared one. */
export type AppOnDatabaseOptions = Omit<StartOptions, 'store' | 'database'>;

export interface AppsOnOneDatabase<Apps extends TestApp[] = TestApp[]> {
  database: TestDatabase;
  /** In the order of the options they were started with. */
  apps: Apps;
  /** Closes every app the test has not closed itself, then drops the database. */
  close(): Promise<void>;
}

/**
 * One app per `options`, all on one fresh PostgreSQL database: in-process
 * instances of one deployment, each with its own DATA_DIR, pools, fleet bus
 * and leadership campaign, as separate processes would have. Call it inside a
 * describePostgres, which skips loudly where no PostgreSQL answers.
 */
export async function startAppsOnFreshDatabase<Options extends AppOnDatabaseOptions[]>(
  ...options: Options
): Promise<AppsOnOneDatabase<{ [K in keyof Options]: TestApp }>> {
  const database = await freshDatabase();
  const apps: TestApp[] = [];
  const close = async () => {
    for (const app of apps) await app.close();
    await database.drop();
  };
  try {
    // One after another: the first migrates the database and stores what it
    // brings (e.g. a cookie secret from its DATA_DIR) before the next starts.
    for (const o of options) apps.push(closedOnce(await startApp({ ...o, database })));
  } catch (error) {
    // The start's failure is the one to show, not a teardown's that follows from it.
    await close().catch(() => {});
    throw error;
  }
  return { database, apps: apps as { [K in keyof Options]: TestApp }, close };
}

/** A test may close an app itself (a leader shutting down); closing it again at teardown is then a no-op. */
function closedOnce(app: TestApp): TestApp {
  const close = app.close;
  let closing: Promise<void> | undefined;
  app.close = () => {
    closing ??= close();
    return closing;
  };
  return app;
}

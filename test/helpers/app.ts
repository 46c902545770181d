/** Builds the real app on a fresh SQLite file with the shipped model, for whole-flow tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { inject } from 'vitest';
import { composeApp } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import type { ConversationService } from '../../src/dialogue/conversation-service.js';
import { loadBehaviour } from '../../src/dialogue/definitions.js';
import { loadArtifact } from '../../src/nlu/artifact.js';
import type { NluModel } from '../../src/nlu/model.js';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import type { buildServer } from '../../src/server.js';
import type { StaffDesk } from '../../src/staff/desk.js';
import type { StaffEvents } from '../../src/staff/events.js';
import type { CitizenOutbox } from '../../src/staff/outbox.js';
import { openDatabase } from '../../src/storage/sqlite.js';
import type { SqliteStore } from '../../src/storage/sqlite-store.js';
import type { SqliteStaffStore } from '../../src/storage/staff-store.js';
import type { TicketDispatcher } from '../../src/tickets/dispatcher.js';
import type { TicketDesk } from '../../src/tickets/ticket-desk.js';

let shipped: NluModel | undefined;
export function shippedModel(): NluModel {
  shipped ??= loadArtifact(inject('shippedModelDir'));
  return shipped;
}

const behaviour = loadBehaviour('intents');

export interface TestApp {
  app: Awaited<ReturnType<typeof buildServer>>;
  store: SqliteStore;
  /** Staff accounts, sessions, audit log and the handoff desk's storage. */
  staff: SqliteStaffStore;
  desk: StaffDesk;
  outbox: CitizenOutbox;
  conversations: ConversationService;
  /** What the console's live updates hear. */
  events: StaffEvents;
  /** Dispatch on filing and the staff's ticket desk. */
  dispatcher: TicketDispatcher;
  tickets: TicketDesk;
  dbFile: string;
  close(): Promise<void>;
}

/** `clock` is read on every message, so a test can move time. */
export async function startApp(options: {
  dbFile?: string;
  clock: () => Date;
  env?: Record<string, string>;
  wrapStore?: (s: SqliteStore) => SqliteStore;
  /** Another model than the shipped one (e.g. a tiny model a test retrains and swaps). */
  models?: ModelHolder;
  /** A stand-in dispatch classifier and corrections (tests about tickets, not the model). */
  dispatch?: Parameters<typeof composeApp>[0]['dispatchWith'];
  /** The real dispatch model (tests of dispatch itself); none: every ticket waits in 待分派. */
  dispatchModels?: ModelHolder;
}): Promise<TestApp> {
  const dbFile = options.dbFile ?? path.join(mkdtempSync(path.join(tmpdir(), 'wz-app-')), 'wenzheng.db');
  const db = openDatabase(dbFile);
  const config = loadConfig({ DATA_DIR: path.dirname(dbFile), LOG_LEVEL: 'silent', ...options.env });
  const { server: app, ...parts } = await composeApp({
    config,
    db,
    models: options.models ?? new ModelHolder(shippedModel()),
    behaviour,
    log: pino({ level: 'silent' }),
    clock: options.clock,
    wrapStore: options.wrapStore,
    dispatchWith: options.dispatch,
    dispatchModels: options.dispatchModels,
    httpLogger: false,
  });
  return {
    ...parts,
    app,
    dbFile,
    async close() {
      await app.close();
      db.close();
    },
  };
}

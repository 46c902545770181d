/**
 * Storage on one SQLite file (the embedded default). What only SQLite
 * needs stays here: the WAL checkpointer thread and the analytics thread
 * with its own connection (both only for a serving process on a file).
 */

import type { Storage } from '../storage.js';
import { SqliteAnalyticsStore } from './analytics-store.js';
import { ThreadedAnalytics } from './analytics-thread.js';
import { SqliteModelRegistry } from './model-registry.js';
import { SqlitePrivacyStore } from './privacy-store.js';
import { SqliteReviewStore } from './review-store.js';
import { checkpointInBackground, type Db, openDatabase } from './sqlite.js';
import { SqliteStore } from './sqlite-store.js';
import { SqliteStaffStore } from './staff-store.js';
import { SqliteTicketStore } from './ticket-store.js';

export interface SqliteStorage extends Storage {
  readonly kind: 'sqlite';
  /** For SQLite-only tools (db:backup) and tests that read the file. */
  readonly db: Db;
}

export interface SqliteStorageOptions {
  /**
   * A serving process: WAL checkpoints on a worker thread, analytics on
   * another thread and connection, off the event loop. CLIs leave it off.
   */
  serving?: boolean;
}

export function openSqliteStorage(file: string, o: SqliteStorageOptions = {}): SqliteStorage {
  return sqliteStorage(openDatabase(file), o);
}

/** Storage around an open database (the caller's, e.g. ':memory:'). */
export function sqliteStorage(db: Db, o: SqliteStorageOptions = {}): SqliteStorage {
  const threaded = o.serving && !db.memory ? new ThreadedAnalytics(db.name) : undefined;
  const checkpoints = o.serving ? checkpointInBackground(db) : undefined;
  return {
    kind: 'sqlite',
    db,
    conversations: new SqliteStore(db),
    staff: new SqliteStaffStore(db),
    review: new SqliteReviewStore(db),
    modelRegistry: new SqliteModelRegistry(db),
    dispatchModelRegistry: new SqliteModelRegistry(db, 'department'),
    analytics: threaded ?? new SqliteAnalyticsStore(db),
    privacy: new SqlitePrivacyStore(db),
    tickets: new SqliteTicketStore(db),
    describe: () => ({ kind: 'sqlite', location: db.name }),
    async close() {
      await checkpoints?.stop();
      await threaded?.close();
      if (db.open) db.close();
    },
  };
}

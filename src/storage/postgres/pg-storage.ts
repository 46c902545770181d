/**
 * Storage on PostgreSQL (DATABASE_URL): one connection pool shared by every
 * store, the schema migrated before anything else runs.
 */
import type { Storage } from '../storage.js';
import { migrate } from './migrate.js';
import { PgAnalyticsStore } from './pg-analytics-store.js';
import { PgConversationStore } from './pg-conversation-store.js';
import { describeUrl, PgDatabase, sql } from './pg-database.js';
import { PgModelRegistry } from './pg-model-registry.js';
import { PgPrivacyStore } from './pg-privacy-store.js';
import { PgReviewStore } from './pg-review-store.js';
import { PgStaffStore } from './pg-staff-store.js';
import { PgTicketStore } from './pg-ticket-store.js';

const STORE_SECRET = sql(
  'secret_store',
  'INSERT INTO app_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
);
const READ_SECRET = sql('secret_read', 'SELECT value FROM app_secrets WHERE name = $1');

export interface PgStorage extends Storage {
  readonly kind: 'postgres';
  /** The pool, for what builds on it (locks, LISTEN/NOTIFY, db:copy). */
  readonly db: PgDatabase;
}

export interface PgStorageOptions {
  poolMax?: number;
  /** Told of connection errors on idle pooled connections (the pool has already dropped them). */
  onPoolError?: (e: Error) => void;
}

export async function openPostgresStorage(url: string, o: PgStorageOptions = {}): Promise<PgStorage> {
  const db = new PgDatabase(url, { max: o.poolMax, onError: o.onPoolError });
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return {
    kind: 'postgres',
    db,
    conversations: new PgConversationStore(db),
    staff: new PgStaffStore(db),
    review: new PgReviewStore(db),
    modelRegistry: new PgModelRegistry(db),
    dispatchModelRegistry: new PgModelRegistry(db, 'department'),
    analytics: new PgAnalyticsStore(db),
    privacy: new PgPrivacyStore(db),
    tickets: new PgTicketStore(db),
    sharedSecret: async (name, generated) => {
      // The first instance's value wins; every later one reads it.
      await db.run(STORE_SECRET, [name, generated, Date.now()]);
      const { rows } = await db.run<{ value: string }>(READ_SECRET, [name]);
      const value = rows[0]?.value;
      if (value === undefined) throw new Error(`secret ${name} was not stored`);
      return value;
    },
    describe: () => ({ kind: 'postgres', location: describeUrl(url) }),
    poolStats: () => db.stats(),
    close: () => db.close(),
  };
}

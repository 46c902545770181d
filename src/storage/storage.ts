/**
 * The storage seam: every store the app uses, opened together on one
 * database (SQLite or PostgreSQL, see open-storage.ts). composeApp, main.ts,
 * the scripts and the tests take a Storage and never a raw connection, so
 * nothing above this line knows which database it runs on.
 */
import type { AnalyticsQuery } from '../core/analytics.js';
import type { ModelRegistry } from '../core/model-registry.js';
import type { PrivacyStore } from '../core/privacy.js';
import type { ReviewStore } from '../core/review.js';
import type { StaffStore } from '../core/staff.js';
import type { ConversationStore, RecordsQuery, TokenCache } from '../core/stores.js';
import type { TicketStore } from '../core/tickets.js';

/** Conversations and turns, the records they create, and the WeChat token cache: one store on every database. */
export type ConversationRecords = ConversationStore & RecordsQuery & TokenCache;

export type StorageKind = 'sqlite' | 'postgres';

/** What /readyz shows: the database kind and where it is, never a password. */
export interface StorageDescription {
  kind: StorageKind;
  location: string;
}

/** Connection pool figures for /metrics (PostgreSQL). */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Storage {
  readonly kind: StorageKind;
  readonly conversations: ConversationRecords;
  readonly staff: StaffStore;
  readonly review: ReviewStore;
  readonly modelRegistry: ModelRegistry;
  /** The dispatch (派单) model's versions: the same table, its own active version. */
  readonly dispatchModelRegistry: ModelRegistry;
  readonly analytics: AnalyticsQuery;
  readonly privacy: PrivacyStore;
  /**
   * Ticket work (issue 13): dispatch, lifecycle, history. Both databases
   * have it; a storage without it runs with no ticket desk (tickets are
   * filed as before).
   */
  readonly tickets?: TicketStore;
  /**
   * A secret every instance on this database shares (the citizen cookie's
   * signing key): the first instance to ask stores `generated`, later ones
   * read that. Absent where one machine serves (SQLite): the secret stays
   * a file in DATA_DIR there.
   */
  readonly sharedSecret?: (name: string, generated: string) => Promise<string>;
  describe(): StorageDescription;
  /** Pool figures where there is a pool (PostgreSQL); undefined on SQLite. */
  readonly poolStats?: () => PoolStats;
  /** Stops what the storage runs in the background and closes its connections. */
  close(): Promise<void>;
}

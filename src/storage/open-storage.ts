/**
 * Opens the configured storage: PostgreSQL when DATABASE_URL is set, else
 * the SQLite file in DATA_DIR. PostgreSQL's adapter (and pg) is loaded only
 * when used, so the embedded default carries none of it.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { PgStorage } from './postgres/pg-storage.js';
import { openSqliteStorage, type SqliteStorage } from './sqlite/sqlite-storage.js';

export type AnyStorage = SqliteStorage | PgStorage;

export async function openStorage(
  config: Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_MAX' | 'databaseFile'>,
  o: { serving?: boolean; log?: Logger } = {},
): Promise<AnyStorage> {
  if (!config.DATABASE_URL) return openSqliteStorage(config.databaseFile, { serving: o.serving });
  const { openPostgresStorage } = await import('./postgres/pg-storage.js');
  return openPostgresStorage(config.DATABASE_URL, {
    poolMax: config.DATABASE_POOL_MAX,
    onPoolError: (e) => o.log?.warn({ err: e }, 'a pooled database connection failed; the pool replaces it'),
  });
}

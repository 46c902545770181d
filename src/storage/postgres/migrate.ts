/**
 * Brings a PostgreSQL database's schema up to date (PG_MIGRATIONS). Runs at
 * start in one transaction holding a transaction-scoped advisory lock, so
 * when several instances start at once one migrates and the others wait,
 * then find the work done: every migration is applied once. A failing
 * migration rolls back whole (PostgreSQL's DDL is transactional).
 */
import { PG_MIGRATIONS } from './migrations.js';
import type { PgDatabase } from './pg-database.js';

/** The advisory lock key for migrations ('wzmigr' in ASCII): the same in every instance. */
export const MIGRATION_LOCK = 0x777a6d696772;

export async function migrate(db: PgDatabase, migrations: readonly string[] = PG_MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const { rows } = await tx.run<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const now: number[] = [];
    for (const [i, ddl] of migrations.entries()) {
      const version = i + 1;
      if (applied.has(version)) continue;
      await tx.run(ddl);
      await tx.run('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, Date.now()]);
      now.push(version);
    }
    return now;
  });
}

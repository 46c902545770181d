/**
 * PostgreSQL for tests: PG_TEST_URL (default postgres://root@127.0.0.1:5432/postgres)
 * names a server; each test file makes its own database wz_test_<pid>_<random>
 * and drops it afterwards. Where no server answers, the PostgreSQL half of
 * a suite is skipped loudly: a skipped describe says so, and a warning too.
 */
import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import { createDatabase, dropDatabase, postgresAnswers } from '../../src/storage/postgres/admin.js';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';

export const PG_TEST_URL = process.env.PG_TEST_URL || 'postgres://root@127.0.0.1:5432/postgres';

/** Asked once per test file (top-level await in the files that use it). */
export const postgresAvailable: boolean = await postgresAnswers(PG_TEST_URL);

export function skippedNotice(): string {
  return `SKIPPED: no PostgreSQL at ${new URL(PG_TEST_URL).host} (set PG_TEST_URL or start PostgreSQL)`;
}

/**
 * Registers `body` under `name` when PostgreSQL answers; otherwise a
 * skipped describe whose name says why, never a silent pass.
 */
export function describePostgres(name: string, body: () => void): void {
  if (postgresAvailable) {
    describe(name, body);
    return;
  }
  console.warn(`${name}: ${skippedNotice()}`);
  describe.skip(`${name} — ${skippedNotice()}`, body);
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const name = `wz_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = await createDatabase(PG_TEST_URL, name);
  return { name, url, drop: () => dropDatabase(PG_TEST_URL, name) };
}

/** Empties every table but the schema's version record: a fresh start without a fresh database (CREATE DATABASE takes ~1 s here). */
export async function emptyTables(db: PgDatabase | string): Promise<void> {
  const pool = typeof db === 'string' ? new PgDatabase(db, { max: 1 }) : db;
  try {
    const { rows } = await pool.run<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'",
    );
    if (rows.length > 0) await pool.run(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
  } finally {
    if (pool !== db) await pool.close();
  }
}

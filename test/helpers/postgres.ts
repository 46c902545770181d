/**
 * PostgreSQL for tests (see pg-database.ts for the databases themselves):
 * where no server answers at PG_TEST_URL, a PostgreSQL describe is skipped
 * loudly — its name says so, and a warning too — never passed silently.
 * The server is probed when this file is imported: SQLite-only helpers
 * import pg-database.ts instead.
 */
import { describe } from 'vitest';
import { postgresAnswers } from '../../src/storage/postgres/admin.js';
import { PG_TEST_URL } from './pg-database.js';

export * from './pg-database.js';

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

/**
 * PostgreSQL-only describes: where no server answers at PG_TEST_URL, the
 * describe is skipped loudly — its name says so, and a warning too — never
 * passed silently. (Apart from helpers/postgres.ts so that SQLite-only test
 * files do not probe the server.)
 */
import { describe } from 'vitest';
import { postgresAnswers } from '../../src/storage/postgres/admin.js';
import { PG_TEST_URL } from './postgres.js';

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

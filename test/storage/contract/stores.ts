/**
 * The storage contract: one describe runs against SQLite and against
 * PostgreSQL. SQLite gets a fresh in-memory database per test; PostgreSQL
 * one fresh database per test file (wz_test_<pid>_<random>, dropped after),
 * emptied before each test. Without a PostgreSQL server the PostgreSQL half
 * is a skipped describe that says so (helpers/postgres.ts).
 */
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { AnyStorage } from '../../../src/storage/open-storage.js';
import { openPostgresStorage, type PgStorage } from '../../../src/storage/postgres/pg-storage.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/sqlite-storage.js';
import { describePostgres, emptyTables, freshDatabase, type TestDatabase } from '../../helpers/postgres.js';

export interface StoreUnderTest {
  readonly kind: 'sqlite' | 'postgres';
  /** This test's storage, empty at the start of each test. */
  readonly storage: AnyStorage;
}

export function describeStores(name: string, body: (s: StoreUnderTest) => void): void {
  describe(`${name} [sqlite]`, () => {
    let current: AnyStorage | undefined;
    beforeEach(async () => {
      await current?.close();
      current = openSqliteStorage(':memory:');
    });
    afterAll(async () => {
      await current?.close();
    });
    body({
      kind: 'sqlite',
      get storage() {
        if (!current) throw new Error('no storage outside a test');
        return current;
      },
    });
  });
  describePostgres(`${name} [postgres]`, () => {
    let database: TestDatabase | undefined;
    let storage: PgStorage | undefined;
    beforeAll(async () => {
      database = await freshDatabase();
      storage = await openPostgresStorage(database.url, { poolMax: 4 });
    });
    beforeEach(async () => {
      if (storage) await emptyTables(storage.db);
    });
    afterAll(async () => {
      await storage?.close();
      await database?.drop();
    });
    body({
      kind: 'postgres',
      get storage() {
        if (!storage) throw new Error('no storage outside a test');
        return storage;
      },
    });
  });
}

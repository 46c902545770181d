/**
 * npm run db:copy: a SQLite deployment with a month of service in it (the
 * analytics seed: conversations, forms, tickets, appointments, handoffs with
 * staff replies and ratings, staff accounts, sessions and audit) moves into
 * an empty PostgreSQL database row for row; a second run refuses.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { openPostgresStorage } from '../../src/storage/postgres/pg-storage.js';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { seedServiceMonth } from '../helpers/analytics-seed.js';
import { startApp } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';
import { describePostgres, freshDatabase, type TestDatabase } from '../helpers/postgres.js';

// Column order is not data: PostgreSQL appends columns a migration adds, where SQLite rebuilt the table.
const canonical = (r: object) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))));

describePostgres('db:copy from SQLite into PostgreSQL', () => {
  let database: TestDatabase;
  let dataDir = '';

  beforeAll(async () => {
    database = await freshDatabase();
    let now = Date.parse('2026-11-02T09:00:00+08:00');
    const t = await startApp({ clock: () => new Date(now), env: { OFFICE_HOURS: 'always', OFFICE_DAYS: '1,2,3,4,5,6,7' } });
    dataDir = path.dirname(t.dbFile);
    await seedServiceMonth(t, (ms) => {
      now = ms;
    });
    await t.close();
  }, 120_000);

  afterAll(async () => {
    await database?.drop();
  });

  it('copies every row of every table, prints the counts, and the app reads the same records', async () => {
    const run = await cli('db-copy', ['--to', database.url], { DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/every count matches/);

    const sqlite = openDatabase(path.join(dataDir, 'wenzheng.db'));
    const pg = new PgDatabase(database.url);
    try {
      const tables = (
        sqlite
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")
          .all() as Array<{
          name: string;
        }>
      ).map((r) => r.name);
      expect(tables).toEqual(
        expect.arrayContaining(['conversations', 'messages', 'tickets', 'appointments', 'handoffs', 'ratings', 'staff_users', 'audit_log']),
      );
      let rows = 0;
      for (const table of tables) {
        const before = (sqlite.prepare(`SELECT * FROM "${table}"`).all() as object[]).map(canonical).sort();
        const after = (await pg.run(`SELECT * FROM "${table}"`)).rows.map(canonical).sort();
        expect(after, table).toEqual(before);
        expect(run.stdout).toMatch(new RegExp(`^${table}\\s+${before.length}\\s+${before.length}$`, 'm'));
        rows += before.length;
      }
      expect(rows).toBeGreaterThan(50);
      // New rows get ids after the copied ones.
      const ids = await pg.run<{ next: number; max: number }>(
        "SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS next, (SELECT MAX(id) FROM messages) AS max",
      );
      expect(ids.rows[0]?.next).toBeGreaterThan(ids.rows[0]?.max ?? Infinity);

      const storage = await openPostgresStorage(database.url);
      try {
        const embedded = new SqliteStore(sqlite);
        expect(await storage.conversations.tickets()).toEqual(await embedded.tickets());
        expect(await storage.conversations.handoffs()).toEqual(await embedded.handoffs());
        expect(await storage.conversations.ratings()).toEqual(await embedded.ratings());
      } finally {
        await storage.close();
      }
    } finally {
      sqlite.close();
      await pg.close();
    }
  });

  it('refuses a second run into the now non-empty database, changing nothing', async () => {
    const pg = new PgDatabase(database.url);
    try {
      const count = async () => (await pg.run<{ n: number }>('SELECT COUNT(*)::bigint AS n FROM messages')).rows[0]?.n;
      const before = await count();
      const again = await cli('db-copy', ['--to', database.url], { DATA_DIR: dataDir });
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/error \[CONFLICT\]: the PostgreSQL database .* is not empty: .*conversations \(\d+ rows\)/);
      expect(await count()).toBe(before);
    } finally {
      await pg.close();
    }
  });

  it('refuses a target that is not a PostgreSQL URL', async () => {
    const run = await cli('db-copy', ['--to', 'mysql://x'], { DATA_DIR: dataDir });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--to postgres:\/\//);
  });
});

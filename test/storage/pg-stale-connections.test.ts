/**
 * Connections the server ended while they sat idle in the pool (a restart,
 * a failover, pg_terminate_backend) that the pool has not yet heard about:
 * the next reads, transactions, locks and rate counts must go through on
 * fresh connections instead of failing the citizen's turn with 503.
 *
 * The test holds the event loop after terminating, so every backend has
 * died and sent its goodbye before the pool reads a byte of it: each pooled
 * connection is then stale, which on a busy machine happens by chance.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPgFleet, type PgFleet } from '../../src/storage/postgres/pg-fleet.js';
import { openPostgresStorage, type PgStorage } from '../../src/storage/postgres/pg-storage.js';
import { describePostgres, freshDatabase, type TestDatabase } from '../helpers/postgres.js';

const POOLED = 4;

describePostgres('pooled connections the server ended while idle', () => {
  let database: TestDatabase;
  let storage: PgStorage;
  let fleet: PgFleet;
  let admin: pg.Client;

  beforeAll(async () => {
    database = await freshDatabase();
    storage = await openPostgresStorage(database.url, { poolMax: POOLED });
    fleet = await openPgFleet({ url: database.url, pool: storage.db.pool, lockPoolMax: POOLED });
    admin = new pg.Client({ connectionString: database.url, application_name: 'test-admin' });
    await admin.connect();
  }, 30_000);

  afterAll(async () => {
    await admin?.end();
    await fleet?.close();
    await storage?.close();
    await database?.drop();
  });

  /** Opens POOLED connections in both pools and leaves them idle there. */
  async function fillPools(): Promise<void> {
    await Promise.all(
      Array.from({ length: POOLED }, (_, i) =>
        Promise.all([
          storage.db.transaction((tx) => tx.run('SELECT pg_sleep(0.05)')),
          fleet.locks.hold(`warm:${i}`, () => new Promise((r) => setTimeout(r, 50))),
        ]),
      ),
    );
    expect(storage.db.pool.idleCount).toBe(POOLED);
  }

  /** Ends every backend of the pools, then blocks until they are surely gone, reading nothing meanwhile. */
  async function endThemUnheard(): Promise<void> {
    const r = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'wenzheng-listen'`,
    );
    expect(r.rowCount).toBeGreaterThanOrEqual(2 * POOLED);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  }

  it('reads, counts a request, takes a lock and commits a transaction, all at once, on fresh connections', async () => {
    await fillPools();
    await endThemUnheard();
    const results = await Promise.allSettled([
      storage.db.run('SELECT 1 AS one'),
      fleet.rates.incr('ip:stale', 60_000),
      fleet.locks.hold('citizen:web:stale', async () => 'held'),
      storage.db.transaction((tx) => tx.run('SELECT 2 AS two')),
      storage.db.transaction((tx) => tx.run('SELECT 3 AS three')),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('does the same one after another, as one turn does', async () => {
    await fillPools();
    await endThemUnheard();
    expect((await fleet.rates.incr('ip:stale-2', 60_000)).current).toBe(1);
    expect(await fleet.locks.hold('citizen:web:stale-2', async () => 'held')).toBe('held');
    expect((await storage.db.run<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await storage.db.transaction((tx) => tx.run<{ two: number }>('SELECT 2 AS two'))).rows).toEqual([{ two: 2 }]);
  });
});

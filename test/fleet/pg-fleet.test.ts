/**
 * The fleet's coordination on a real PostgreSQL: two "instances" here are
 * two independent openings (their own pools and listening connections) on
 * one fresh database, as two processes would have.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rateLimitOptions } from '../../src/http/rate-limit-store.js';
import { type StaffEvent, StaffEvents } from '../../src/staff/events.js';
import { openPgFleet, type PgFleet } from '../../src/storage/postgres/pg-fleet.js';
import { openPostgresStorage, type PgStorage } from '../../src/storage/postgres/pg-storage.js';
import { describePostgres, freshDatabase, type TestDatabase } from '../helpers/postgres.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(20);
  }
}

describePostgres('fleet coordination on PostgreSQL', () => {
  let database: TestDatabase;
  const storages: PgStorage[] = [];
  const fleets: PgFleet[] = [];
  let a: PgFleet;
  let b: PgFleet;

  async function instance(): Promise<PgFleet> {
    const storage = await openPostgresStorage(database.url);
    storages.push(storage);
    const fleet = await openPgFleet({ url: database.url, pool: storage.db.pool, lockPoolMax: 4 });
    fleets.push(fleet);
    return fleet;
  }

  beforeAll(async () => {
    database = await freshDatabase();
    a = await instance();
    b = await instance();
  }, 30_000);

  afterAll(async () => {
    for (const f of fleets) await f.close();
    for (const s of storages) await s.close();
    await database?.drop();
  });

  it('runs work under one key on one instance at a time, in whichever instance asks', async () => {
    const trace: string[] = [];
    const work = (who: string) => async () => {
      trace.push(`${who}:start`);
      await sleep(60);
      trace.push(`${who}:end`);
      return who;
    };
    const results = await Promise.all([
      a.locks.hold('citizen:web:u1', work('a1')),
      b.locks.hold('citizen:web:u1', work('b1')),
      a.locks.hold('citizen:web:u1', work('a2')),
      b.locks.hold('citizen:web:u1', work('b2')),
    ]);
    expect(results).toEqual(['a1', 'b1', 'a2', 'b2']);
    // Never two starts in a row: each holder ended before the next began.
    for (let i = 0; i < trace.length; i += 2) {
      expect(trace[i]?.endsWith(':start')).toBe(true);
      expect(trace[i + 1]).toBe(trace[i]?.replace(':start', ':end'));
    }
  });

  it('lets different keys run at the same time', async () => {
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(80);
      inside--;
    };
    await Promise.all([a.locks.hold('citizen:web:x', work), b.locks.hold('citizen:web:y', work)]);
    expect(most).toBe(2);
  });

  it('releases the lock when the work fails', async () => {
    await expect(a.locks.hold('citizen:web:fails', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const got = await Promise.race([b.locks.hold('citizen:web:fails', async () => 'free'), sleep(2000).then(() => 'stuck')]);
    expect(got).toBe('free');
  });

  it('releases the lock when the holding connection dies, and the holder can still finish', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      let release!: () => void;
      const held = a.locks.hold('citizen:web:dies', () => new Promise<string>((r) => (release = () => r('done'))));
      await until(() => release !== undefined);
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = hashtext('citizen:web:dies')::oid`,
      );
      const other = await Promise.race([b.locks.hold('citizen:web:dies', async () => 'free'), sleep(3000).then(() => 'stuck')]);
      expect(other).toBe('free');
      release();
      expect(await held).toBe('done');
    } finally {
      await admin.end();
    }
  });

  it('gives each tick of a job to exactly one instance', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).jobs.claim('sweep', 400)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await a.jobs.claim('sweep', 400)).toBe(false);
    await sleep(450);
    const next = await Promise.all([a.jobs.claim('sweep', 400), b.jobs.claim('sweep', 400)]);
    expect(next.filter(Boolean)).toHaveLength(1);
    // Another job has its own ticks.
    expect(await b.jobs.claim('purge', 400)).toBe(true);
  });

  it('counts requests across instances and starts a new window when one ends', async () => {
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) counts.push((await (i % 2 ? a : b).rates.incr('ip:1.2.3.4', 300)).current);
    expect(counts).toEqual([1, 2, 3, 4]);
    const { ttl } = await a.rates.incr('ip:1.2.3.4', 300);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await sleep(320);
    expect((await b.rates.incr('ip:1.2.3.4', 300)).current).toBe(1);
  });

  it('holds a route limit across two servers through @fastify/rate-limit', async () => {
    const server = async (fleet: PgFleet) => {
      const app = Fastify();
      await app.register(rateLimit, rateLimitOptions(fleet.rates, 'test'));
      const limit = app.createRateLimit({ max: 3, keyGenerator: () => 'one-client' });
      app.get('/', async (req, reply) => {
        const l = await limit(req);
        return !l.isAllowed && l.isExceeded ? reply.status(429).send('limited') : 'ok';
      });
      return app;
    };
    const [one, two] = [await server(a), await server(b)];
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await (i % 2 ? one : two).inject('/')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    await one.close();
    await two.close();
  });

  it('brings staff events published on one instance to the other, not back to itself', async () => {
    const onA = new StaffEvents(a.bus);
    const onB = new StaffEvents(b.bus);
    const seenA: StaffEvent[] = [];
    const seenB: StaffEvent[] = [];
    onA.subscribe((e) => seenA.push(e));
    onB.subscribe((e) => seenB.push(e));
    await Promise.all([a.bus.whenListening(), b.bus.whenListening()]);
    onA.publish({ type: 'handoff.created', handoffId: 'h1' });
    await until(() => seenB.length === 1);
    expect(seenB).toEqual([{ type: 'handoff.created', handoffId: 'h1' }]);
    await sleep(100);
    expect(seenA).toEqual([{ type: 'handoff.created', handoffId: 'h1' }]);
  });

  it('brings ticket events across too, and drops messages it cannot read', async () => {
    const onB = new StaffEvents(b.bus);
    const seenB: StaffEvent[] = [];
    onB.subscribe((e) => seenB.push(e));
    await Promise.all([a.bus.whenListening(), b.bus.whenListening()]);
    const moved: StaffEvent = {
      type: 'ticket.changed',
      ticket: 'T20261125-0001',
      change: 'department',
      department: 'housing',
      from: null,
      by: { id: 's1', name: 'li' },
    };
    new StaffEvents(a.bus).publish(moved);
    // Another version's kinds and broken messages never reach a console.
    for (const raw of [
      'not json',
      '{"type":"handoff.created"}',
      '{"type":"handoff.renamed","handoffId":"h2"}',
      '{"type":"ticket.changed","ticket":"T20261125-0002","change":"renamed","department":null}',
      '{"type":"ticket.changed","ticket":"T20261125-0003","change":"note","department":7}',
      '{"type":"ticket.changed","ticket":"T20261125-0004","change":"note","department":null,"by":"li"}',
    ])
      a.bus.publish('staff', raw);
    new StaffEvents(a.bus).publish({ type: 'handoff.claimed', handoffId: 'h3' });
    // NOTIFYs go out through a pool: their order is not kept, so the two readable ones may come either way.
    await until(() => seenB.length === 2);
    await sleep(100);
    expect(seenB).toHaveLength(2);
    expect(seenB).toEqual(expect.arrayContaining([moved, { type: 'handoff.claimed', handoffId: 'h3' }]));
  });

  it('listens again by itself after its listening connection is killed', async () => {
    const events = new StaffEvents(b.bus);
    const seen: string[] = [];
    events.subscribe((e) => seen.push(e.type === 'ticket.changed' ? e.ticket : e.handoffId));
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'wenzheng-listen'`);
    } finally {
      await admin.end();
    }
    await until(() => !b.bus.listening, 2000).catch(() => {});
    await until(() => a.bus.listening && b.bus.listening, 10_000);
    const sender = new StaffEvents(a.bus);
    sender.publish({ type: 'handoff.claimed', handoffId: 'after-reconnect' });
    await until(() => seen.includes('after-reconnect'), 3000);
  });
});

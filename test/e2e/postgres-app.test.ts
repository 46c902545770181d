/**
 * The whole app on PostgreSQL (DATABASE_URL): the conversation transcripts,
 * what /readyz and /metrics report, and the database going away under it —
 * a clear 503 STORE_UNAVAILABLE, nothing acknowledged lost, and service
 * back by itself once the database answers again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TurnCommit } from '../../src/core/stores.js';
import { databaseUrl, terminateConnections } from '../../src/storage/postgres/admin.js';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { INTEGRATOR, startApp, type TestApp } from '../helpers/app.js';
import { describePostgres, freshDatabase, PG_TEST_URL, type TestDatabase } from '../helpers/postgres.js';
import { poll, say, staffMember } from '../helpers/staff.js';
import { type TcpProxy, tcpProxy } from '../helpers/tcp-proxy.js';
import { transcriptSuites } from '../helpers/transcripts.js';

describePostgres('conversation transcripts on PostgreSQL', () => {
  transcriptSuites('postgres');
});

const send = (t: TestApp, userId: string, text: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: INTEGRATOR, payload: { userId, text } });

describePostgres('the app on PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ clock: () => new Date(), store: 'postgres' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reports the database it uses in /readyz, without a password', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'ready', database: true, storage: { kind: 'postgres' } });
    expect(body.storage.location).toContain(t.database?.name);
  });

  it('adds the connection pool to /metrics', async () => {
    await send(t, 'metrics-citizen', '公积金怎么提取');
    const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(body).toMatch(/wenzheng_db_pool_clients [1-9]/);
    expect(body).toMatch(/wenzheng_db_pool_idle_clients \d/);
    expect(body).toMatch(/wenzheng_db_pool_waiting_requests \d+/);
  });
});

describePostgres('a handoff through the staff API on PostgreSQL', () => {
  let t: TestApp;
  const now = Date.parse('2026-11-25T10:00:00+08:00');
  beforeAll(async () => {
    t = await startApp({ clock: () => new Date(now), store: 'postgres' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('goes from queue to claim, reply, web poll, close and rating', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    await say(t, 'citizen-1', '居住证怎么续签');
    const id = (await say(t, 'citizen-1', '转人工')).events.find((e) => e.type === 'handoff.requested')?.id;
    expect((await agent.get('/api/staff/queue')).json().counts.queued).toBe(1);
    expect((await say(t, 'citizen-1', '我的居住证下个月到期')).replies.map((r) => r.text).join('')).toContain('排队第 1 位');
    expect((await agent.post(`/api/staff/handoffs/${id}/claim`)).statusCode).toBe(200);
    expect((await say(t, 'citizen-1', '你好，在吗')).replies).toEqual([]);
    await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '您好，续签需要身份证和居住登记凭证。' });
    const inbox = await poll(t, 'citizen-1');
    expect(inbox.messages.map((m) => m.text)).toEqual(['您好，续签需要身份证和居住登记凭证。']);
    expect((await poll(t, 'citizen-1', inbox.cursor)).messages).toEqual([]);
    expect((await agent.post(`/api/staff/handoffs/${id}/close`, { resolution: 'answered' })).json().handoff.status).toBe('closed');
    expect((await poll(t, 'citizen-1', inbox.cursor)).messages[0]?.text).toContain('非常满意');
    expect((await say(t, 'citizen-1', '2 太慢了')).replies[0]?.text).toContain('不满意');
    expect(await t.store.ratings()).toMatchObject([{ handoffId: id, level: 2, followUpReference: 'T20261125-0001' }]);
    expect((await t.staff.auditLog(50)).map((e) => e.action)).toEqual(expect.arrayContaining(['login', 'claim', 'reply', 'close']));
  });
});

describePostgres('losing the PostgreSQL connection', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let direct: PgDatabase;
  /** Set by a test: the next turn loses the database inside its transaction, after its actions ran. */
  let cutInsideNextTurn = false;

  beforeAll(async () => {
    database = await freshDatabase();
    const target = new URL(PG_TEST_URL);
    proxy = await tcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    t = await startApp({
      clock: () => new Date(),
      database: { ...database, url: viaProxy.toString() },
      wrapStore: (store) => {
        const commit = store.commitTurn.bind(store);
        return Object.assign(store, {
          commitTurn: <T>(turn: TurnCommit<T>) => {
            if (!cutInsideNextTurn) return commit(turn);
            cutInsideNextTurn = false;
            return commit({
              ...turn,
              finish: (results) => {
                void proxy.cut();
                return turn.finish(results);
              },
            });
          },
        });
      },
    });
    direct = new PgDatabase(databaseUrl(PG_TEST_URL, database.name), { max: 1 });
  });
  afterAll(async () => {
    await t?.close();
    await direct?.close();
    await proxy?.close();
    await database?.drop();
  });

  const ticketCount = async () => (await direct.run<{ n: number }>('SELECT COUNT(*) AS n FROM tickets')).rows[0]?.n;

  it('fails turns with 503 STORE_UNAVAILABLE while the database is gone, loses nothing acknowledged, and recovers', async () => {
    // A complaint filed and acknowledged before the outage.
    for (const text of ['我要投诉', '小区门口的路灯坏了一个月了', '浦东新区张江路88弄', '13912345678', '对']) {
      expect((await send(t, 'before', text)).statusCode).toBe(200);
    }
    expect(await ticketCount()).toBe(1);

    await proxy.cut();
    const during = await send(t, 'during', '我要投诉');
    expect(during.statusCode).toBe(503);
    expect(during.json().error.code).toBe('STORE_UNAVAILABLE');
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    await proxy.restore();
    const after = await send(t, 'after', '公积金怎么提取');
    expect(after.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect(await ticketCount()).toBe(1);
    expect((await t.store.tickets()).map((x) => x.userId)).toEqual(['before']);
  });

  it('serves the next request after the server ends every connection (pg_terminate_backend)', async () => {
    expect((await send(t, 'terminated', '居住证怎么续签')).statusCode).toBe(200);
    const ended = await terminateConnections(PG_TEST_URL, database.name);
    expect(ended).toBeGreaterThan(0);
    for (const text of ['公积金怎么提取', '身份证丢了怎么补办', '社保卡怎么办理']) {
      const r = await send(t, 'terminated', text);
      expect(r.statusCode, r.body).toBe(200);
    }
    expect((await t.staff.messages((await t.store.find('web', 'terminated'))?.id ?? '')).length).toBeGreaterThanOrEqual(8);
  });

  it('keeps nothing of a turn whose connection dies inside its transaction, and the citizen can send it again', async () => {
    for (const text of ['我要投诉', '楼下餐馆油烟太大', '浦东新区张江路99号', '13812345678']) {
      expect((await send(t, 'mid-turn', text)).statusCode).toBe(200);
    }
    const before = await ticketCount();
    cutInsideNextTurn = true;
    const lost = await send(t, 'mid-turn', '对');
    expect(lost.statusCode).toBe(503);
    expect(lost.json().error.code).toBe('STORE_UNAVAILABLE');
    await proxy.restore();
    // The ticket was inserted before the cut, in the transaction PostgreSQL rolled back.
    expect(await ticketCount()).toBe(before);
    const again = await send(t, 'mid-turn', '对');
    expect(again.statusCode).toBe(200);
    expect(
      again
        .json()
        .replies.map((r: { text: string }) => r.text)
        .join(''),
    ).toMatch(/T\d{8}-\d{4}/);
    expect(await ticketCount()).toBe((before ?? 0) + 1);
  });
});

/**
 * The WeChat access_token across instances: each fetch invalidates the
 * previous token, so instances sharing one PostgreSQL cache must take turns
 * fetching and use what another just fetched. Five clients stand for five
 * instances (each its own in-process state), locking through PostgreSQL.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { WechatApiClient } from '../../src/channels/wechat-oa/api-client.js';
import { PgLocks } from '../../src/storage/postgres/pg-locks.js';
import { openPostgresStorage, type PgStorage } from '../../src/storage/postgres/pg-storage.js';
import { describePostgres } from '../helpers/describe-postgres.js';
import { FakeWechat } from '../helpers/fake-wechat.js';
import { freshDatabase, type TestDatabase } from '../helpers/postgres.js';

describePostgres('the WeChat access_token shared by several instances', () => {
  let database: TestDatabase;
  let storage: PgStorage;
  let lockPool: pg.Pool;
  let fake: FakeWechat;
  const tokenCalls = () => fake.calls.filter((c) => c.path === '/cgi-bin/token').length;
  const instances = () =>
    Array.from(
      { length: 5 },
      () =>
        new WechatApiClient({
          appId: 'wxfleet',
          secret: 'test-secret',
          apiBase: fake.base,
          tokens: storage.conversations,
          locks: new PgLocks(lockPool),
          backoffMs: [10, 20],
        }),
    );

  beforeAll(async () => {
    database = await freshDatabase();
    storage = await openPostgresStorage(database.url);
    lockPool = new pg.Pool({ connectionString: database.url, max: 5 });
    fake = await new FakeWechat().start();
  });
  beforeEach(async () => {
    await storage.conversations.drop('wechat:wxfleet');
    fake.calls.length = 0;
  });
  afterAll(async () => {
    await fake?.stop();
    await lockPool?.end();
    await storage?.close();
    await database?.drop();
  });

  it('is fetched by one instance when all need one at once, and every instance uses it', async () => {
    const fleet = instances();
    await Promise.all(fleet.map((c, i) => c.sendText(`o${i}`, '您好')));
    expect(tokenCalls()).toBe(1);
    expect(fake.sent()).toHaveLength(5);
    expect(new Set(fake.sent().map((c) => c.query.get('access_token'))).size).toBe(1);
  });

  it('is refreshed once when WeChat refuses it on several instances at once, not once per instance', async () => {
    const fleet = instances();
    await fleet[0]?.sendText('o0', '第一条');
    expect(tokenCalls()).toBe(1);
    fake.expireTokens();
    await Promise.all(fleet.map((c, i) => c.sendText(`o${i}`, '第二条')));
    expect(tokenCalls()).toBe(2);
    // Every second message went out, on the one new token.
    const second = fake.sent().filter((c) => (c.body as { text: { content: string } }).text.content === '第二条');
    const accepted = second.filter((c) => c.query.get('access_token') === 'token-2');
    expect(new Set(accepted.map((c) => (c.body as { touser: string }).touser)).size).toBe(5);
  });
});

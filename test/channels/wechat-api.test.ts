/** The customer-service API client against the fake WeChat server on 127.0.0.1. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WechatApiClient, WechatApiError } from '../../src/channels/wechat-oa/api-client.js';
import { SealedTokenCache } from '../../src/channels/wechat-oa/sealed-token-cache.js';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { FakeWechat } from '../helpers/fake-wechat.js';

let fake: FakeWechat;
let dbFile: string;
let store: SqliteStore;
const client = (secret = 'test-secret') =>
  new WechatApiClient({ appId: 'wxtest', secret, apiBase: fake.base, tokens: store, backoffMs: [10, 20] });
const tokenCalls = () => fake.calls.filter((c) => c.path === '/cgi-bin/token').length;

beforeAll(async () => {
  fake = await new FakeWechat().start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'wz-api-')), 'w.db');
  store = new SqliteStore(openDatabase(dbFile));
  fake.calls.length = 0;
});

describe('access_token', () => {
  it('is fetched once, cached in the database and reused across clients (a restart)', async () => {
    await client().sendText('o1', '你好');
    await client().sendText('o1', '再见');
    expect(tokenCalls()).toBe(1);
    expect(await store.get('wechat:wxtest')).toMatchObject({ expiresAt: expect.any(Number) });
  });

  it('is kept sealed in the database: the stored value is not the token, and only the AppSecret opens it', async () => {
    await client().sendText('o1', '你好');
    const token = fake.sent()[0]?.query.get('access_token') as string;
    expect(token).toMatch(/^token-/);
    const stored = (await store.get('wechat:wxtest'))?.token as string;
    expect(stored).not.toContain(token);
    expect(stored).toMatch(/^v1:/);
    expect(await new SealedTokenCache(store, 'test-secret').get('wechat:wxtest')).toMatchObject({ token });
    // A rotated AppSecret (or a stolen database without it) opens nothing: a fresh token is fetched.
    expect(await new SealedTokenCache(store, 'another-secret').get('wechat:wxtest')).toBeNull();
  });

  it('does not use a token an older release stored in plain text: it fetches a fresh one', async () => {
    await store.put('wechat:wxtest', 'token-from-an-older-release', Date.now() + 3_600_000);
    await client().sendText('o1', '你好');
    expect(tokenCalls()).toBe(1);
    expect((await store.get('wechat:wxtest'))?.token).toMatch(/^v1:/);
  });

  it('is refreshed once and the call retried when WeChat says it is invalid (40001)', async () => {
    const c = client();
    await c.sendText('o1', '第一条');
    fake.expireTokens();
    await c.sendText('o1', '第二条');
    expect(tokenCalls()).toBe(2);
    expect(fake.sent().at(-1)?.body).toMatchObject({ touser: 'o1', text: { content: '第二条' } });
  });

  it('fetches one token for concurrent callers', async () => {
    const c = client();
    await Promise.all([c.sendText('a', '1'), c.sendText('b', '2'), c.sendText('c', '3')]);
    expect(tokenCalls()).toBe(1);
  });

  it('retries a busy answer (-1) with backoff', async () => {
    fake.nextErrors.push({ errcode: -1, errmsg: 'system busy' });
    await client().sendText('o1', '你好');
    expect(fake.sent()).toHaveLength(2);
  });

  it('reports a wrong secret as a clear error', async () => {
    await expect(client('wrong').sendText('o1', 'x')).rejects.toMatchObject({ errcode: 40125 });
  });
});

describe('typed failures', () => {
  it.each([
    [45015, 'out_of_window'],
    [45047, 'over_quota'],
    [43004, 'not_follower'],
    [43019, 'blocked'],
    [45002, 'too_long'],
    [40164, 'ip_not_whitelisted'],
  ])('errcode %i is a WechatApiError of kind %s', async (errcode, kind) => {
    fake.nextErrors.push({ errcode, errmsg: 'nope' });
    const err = await client()
      .sendText('o1', 'x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatApiError);
    expect(err).toMatchObject({ errcode, kind });
  });

  it('a network failure is typed too', async () => {
    const dead = new WechatApiClient({
      appId: 'wxtest',
      secret: 'test-secret',
      apiBase: 'http://127.0.0.1:9',
      tokens: store,
      timeoutMs: 500,
    });
    await expect(dead.sendText('o1', 'x')).rejects.toMatchObject({ kind: 'network' });
  });
});

describe('npm run menu:publish', () => {
  it('publishes the menu file without our intent/text fields', async () => {
    const env = {
      ...process.env,
      DATA_DIR: path.dirname(dbFile),
      WECHAT_TOKEN: 'tok',
      WECHAT_APPID: 'wxtest',
      WECHAT_SECRET: 'test-secret',
      WECHAT_API_BASE: fake.base,
    };
    const { stdout } = await promisify(execFile)(path.resolve('node_modules/.bin/tsx'), ['scripts/menu-publish.ts'], { env });
    expect(stdout).toMatch(/menu published/);
    const call = fake.calls.find((c) => c.path === '/cgi-bin/menu/create');
    const menu = call?.body as { button: Array<Record<string, unknown>> };
    expect(menu.button).toHaveLength(3);
    expect(JSON.stringify(menu)).toContain('MENU_APPOINTMENT');
    expect(JSON.stringify(menu)).not.toContain('intent');
  });
});

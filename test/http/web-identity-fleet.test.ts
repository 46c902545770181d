/**
 * A web citizen behind a load balancer: two instances on one PostgreSQL
 * database, each with its own DATA_DIR and no CITIZEN_COOKIE_SECRET set.
 * The cookie one instance issues must be read by the other as the same
 * citizen, or the chat starts anew whenever the balancer switches.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { type AppsOnOneDatabase, startAppsOnFreshDatabase, type TestApp } from '../helpers/app.js';
import { describePostgres } from '../helpers/postgres.js';

const clock = () => new Date('2026-11-25T10:00:00+08:00');

describePostgres('the web citizen’s cookie across instances on PostgreSQL', () => {
  let fleet: AppsOnOneDatabase<[TestApp, TestApp]>;
  let a: TestApp;
  let b: TestApp;
  /** What an instance that grew from SQLite already signed its cookies with. */
  const grownFrom = 'kept-from-the-sqlite-days-0123456789abcdef';

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wz-grown-'));
    writeFileSync(path.join(dir, 'citizen-cookie.secret'), `${grownFrom}\n`);
    // A, started first, brings its secret to the database; B has none of its own.
    fleet = await startAppsOnFreshDatabase({ clock, dbFile: path.join(dir, 'wenzheng.db') }, { clock });
    [a, b] = fleet.apps;
  }, 60_000);
  afterAll(() => fleet?.close());

  const send = (t: TestApp, cookie: string, text: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: { cookie: `wz_citizen=${cookie}` }, payload: { text } });

  it('reads a cookie issued by one instance as the same citizen on the other', async () => {
    const page = await a.app.inject({ method: 'GET', url: '/' });
    const cookie = page.cookies.find((c) => c.name === 'wz_citizen')?.value ?? '';
    expect(cookie).not.toBe('');
    expect((await send(a, cookie, '公积金怎么提取')).statusCode).toBe(200);
    const onB = await send(b, cookie, '要多久');
    expect(onB.statusCode).toBe(200);
    // B issued no new identity: it read A's.
    expect(onB.cookies.find((c) => c.name === 'wz_citizen')).toBeUndefined();
    const id = cookie.slice(0, cookie.lastIndexOf('.'));
    const conversation = await b.store.find('web', id);
    expect((await b.staff.messages(conversation?.id ?? '')).map((m) => m.text)).toEqual(
      expect.arrayContaining(['公积金怎么提取', '要多久']),
    );
  });

  it('keeps the key a deployment grown from SQLite already had, so its citizens keep their chats', async () => {
    const direct = new PgDatabase(fleet.database.url, { max: 1 });
    try {
      const { rows } = await direct.run<{ value: string }>(`SELECT value FROM app_secrets WHERE name = 'citizen-cookie'`);
      expect(rows).toEqual([{ value: grownFrom }]);
    } finally {
      await direct.close();
    }
  });
});

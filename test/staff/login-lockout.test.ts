/**
 * Failed logins: a stranger learns nothing about which staff names exist,
 * and cannot lock a real staff member out by guessing at their name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppsOnOneDatabase, startApp, startAppsOnFreshDatabase, type TestApp } from '../helpers/app.js';
import { describePostgres } from '../helpers/postgres.js';
import { staffMember } from '../helpers/staff.js';

let now = Date.parse('2026-11-25T10:00:00+08:00');
const clock = () => new Date(now);

describe('staff login failures', () => {
  let t: TestApp;
  // One app for all: each case fails from its own addresses, which is the point.
  beforeAll(async () => {
    t = await startApp({ clock });
    await staffMember(t, 'zhangmin', 'agent');
  });
  afterAll(() => t.close());

  const attempt = (name: string, password: string, from: string) =>
    t.app.inject({ method: 'POST', url: '/api/staff/login', remoteAddress: from, payload: { name, password } });
  const answers = async (name: string, from: string, times: number) => {
    const seen: Array<{ status: number; body: string; retryAfter: unknown }> = [];
    for (let i = 0; i < times; i++) {
      const res = await attempt(name, 'wrong-password', from);
      seen.push({ status: res.statusCode, body: res.body, retryAfter: res.headers['retry-after'] });
    }
    return seen;
  };

  it('answers a real name and an unknown one exactly alike, through the pause', async () => {
    const real = await answers('zhangmin', '10.1.0.1', 7);
    const unknown = await answers('nobody-here', '10.1.0.2', 7);
    expect(real.map((a) => a.status)).toEqual([401, 401, 401, 401, 429, 429, 429]);
    expect(unknown).toEqual(real);
    expect(JSON.parse(real[0]?.body ?? '').error.code).toBe('BAD_CREDENTIALS');
    expect(JSON.parse(real[4]?.body ?? '').error).toMatchObject({ code: 'LOGIN_THROTTLED', details: { retryAfterSeconds: 15 * 60 } });
    expect(real[4]?.retryAfter).toBe(String(15 * 60));
  });

  it('takes as long to refuse an unknown name as a wrong password (both check a scrypt hash)', async () => {
    const time = async (name: string, from: string) => {
      const started = performance.now();
      await attempt(name, 'wrong-password', from);
      return performance.now() - started;
    };
    const real: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      real.push(await time('zhangmin', `10.2.0.${i}`));
      unknown.push(await time('nobody-here', `10.2.1.${i}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] as number;
    // scrypt (N = 2^15) takes tens of milliseconds; skipping it would make the unknown name near-instant.
    expect(median(unknown)).toBeGreaterThan(median(real) / 3);
  });

  it('pauses only the address that failed: the real person logs in from their own', async () => {
    await answers('zhangmin', '203.0.113.66', 6);
    expect((await attempt('zhangmin', 'zhangmin-password-1', '203.0.113.66')).statusCode).toBe(429);
    expect((await attempt('zhangmin', 'zhangmin-password-1', '10.3.0.7')).statusCode).toBe(200);
  });

  it('doubles the pause with each failure after it, and starts over after a success', async () => {
    const from = '10.4.0.1';
    const fifth = (await answers('zhangmin', from, 5))[4];
    expect(JSON.parse(fifth?.body ?? '').error.details.retryAfterSeconds).toBe(15 * 60);
    now += 16 * 60_000;
    const sixth = await attempt('zhangmin', 'wrong-password', from);
    expect(sixth.json().error.details.retryAfterSeconds).toBe(30 * 60);
    now += 31 * 60_000;
    expect((await attempt('zhangmin', 'zhangmin-password-1', from)).statusCode).toBe(200);
    expect((await attempt('zhangmin', 'wrong-password', from)).json().error.code).toBe('BAD_CREDENTIALS');
  });

  it('audits failures and pauses with the name and the address', async () => {
    await answers('zhangmin', '10.5.0.9', 5);
    const log = (await t.staff.auditLog(200)).filter((e) => JSON.stringify(e.details).includes('"10.5.0.9"'));
    expect(log.filter((e) => e.action === 'login_failed')).toHaveLength(5);
    expect(log.filter((e) => e.action === 'login_paused')).toMatchObject([{ target: 'zhangmin' }]);
  });
});

const attemptOn = (t: TestApp, name: string, password: string, from: string) =>
  t.app.inject({ method: 'POST', url: '/api/staff/login', remoteAddress: from, payload: { name, password } });

describe('a pause outlives a restart', () => {
  it('still refuses the paused address after the server restarts', async () => {
    let t = await startApp({ clock });
    try {
      await staffMember(t, 'lihua', 'agent');
      for (let i = 0; i < 5; i++) await attemptOn(t, 'lihua', 'wrong-password', '10.6.0.1');
      t = await t.restart();
      const res = await attemptOn(t, 'lihua', 'lihua-password-1', '10.6.0.1');
      expect(res.statusCode).toBe(429);
      expect(res.json().error.code).toBe('LOGIN_THROTTLED');
    } finally {
      await t.close();
    }
  });
});

describePostgres('failed logins across instances on PostgreSQL', () => {
  let fleet: AppsOnOneDatabase<[TestApp, TestApp]>;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    fleet = await startAppsOnFreshDatabase({ clock }, { clock });
    [a, b] = fleet.apps;
    await staffMember(a, 'wangfang', 'agent');
  }, 60_000);
  afterAll(() => fleet?.close());

  it('counts guesses spread over instances together, and pauses the address on all of them', async () => {
    const statuses: number[] = [];
    for (const t of [a, b, a, b, a, b]) statuses.push((await attemptOn(t, 'wangfang', 'wrong-password', '10.7.0.1')).statusCode);
    // The fifth failure pauses, whichever instance it reached; one instance alone would have seen three.
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    expect((await attemptOn(a, 'wangfang', 'wangfang-password-1', '10.7.0.1')).statusCode).toBe(429);
    expect((await attemptOn(b, 'wangfang', 'wangfang-password-1', '10.7.0.2')).statusCode).toBe(200);
  });

  it('shows the pause to an admin on any instance, and an unlock on one frees every instance', async () => {
    const admin = await staffMember(b, 'admin-fleet', 'admin');
    for (let i = 0; i < 5; i++) await attemptOn(a, 'wangfang', 'wrong-password', '10.7.1.1');
    const users = await admin.get('/api/staff/users');
    const listed = (users.json().users as Array<{ id: string; name: string; locked: boolean }>).find((u) => u.name === 'wangfang');
    expect(listed?.locked).toBe(true);
    const unlock = await admin.post(`/api/staff/users/${listed?.id}`, { unlock: true });
    expect(unlock.json().user.locked).toBe(false);
    expect((await attemptOn(a, 'wangfang', 'wangfang-password-1', '10.7.1.1')).statusCode).toBe(200);
  });
});

/**
 * The Wechaty bot on two instances of one PostgreSQL database, both
 * configured with the same account (wechaty-puppet-mock): one runs the bot,
 * the other stands by and takes over when the leader shuts down or loses its
 * lock connection, without a moment where both bots run. Staff replies
 * written on the stand-by wait, and reach the citizen through whichever
 * instance leads when they next write.
 */
import { afterEach, expect, it } from 'vitest';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { type AppsOnOneDatabase, startAppsOnFreshDatabase, type TestApp } from '../helpers/app.js';
import { type MockAccount, mockAccount } from '../helpers/mock-wechaty.js';
import { describePostgres, type TestDatabase } from '../helpers/postgres.js';
import { staffMember } from '../helpers/staff.js';

// Stand-bys try every 200 ms; a leader checks its lock connection every 500 ms.
const leadership = { retryMs: 200, checkMs: 500, handoverMs: 10_000 };
const env = { OFFICE_HOURS: 'always', OFFICE_DAYS: '1,2,3,4,5,6,7' };

async function leaderGauge(t: TestApp): Promise<string | undefined> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
  return /^wenzheng_wechaty_leader (\d)$/m.exec(res.body)?.[1];
}

/** The citizen writes and the bot answers with something containing `expected`. */
async function asks(account: MockAccount, text: string, expected: string): Promise<void> {
  const before = account.received.length;
  account.say(text);
  await expect.poll(() => account.received.slice(before).find((m) => m.includes(expected)), { timeout: 10_000 }).toBeDefined();
}

describePostgres('the Wechaty bot on two instances', () => {
  // Each test its own database and account: a test closes or cuts off its leader.
  let fleet: AppsOnOneDatabase | undefined;

  async function twoInstances(account: MockAccount): Promise<{ leader: TestApp; standBy: TestApp; database: TestDatabase }> {
    const options = { clock: () => new Date(), env, wechatyPuppet: account.puppet, leadership };
    fleet = await startAppsOnFreshDatabase(options, options);
    const { apps } = fleet;
    await expect.poll(() => apps.filter((t) => t.wechaty?.leading).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => account.running, { timeout: 10_000 }).toBe(1);
    const leader = apps.find((t) => t.wechaty?.leading) as TestApp;
    const standBy = apps.find((t) => t !== leader) as TestApp;
    return { leader, standBy, database: fleet.database };
  }

  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });

  it('runs the bot on one instance, and on the other within a second of closing it', { timeout: 60_000 }, async () => {
    const account = mockAccount();
    const { leader, standBy } = await twoInstances(account);
    expect(await leaderGauge(leader)).toBe('1');
    expect(await leaderGauge(standBy)).toBe('0');
    await asks(account, '奶茶杯是什么垃圾', '干垃圾');

    const closed = performance.now();
    await leader.close();
    await expect.poll(() => standBy.wechaty?.leading && account.running === 1, { timeout: 5_000, interval: 20 }).toBe(true);
    const takeoverMs = performance.now() - closed;
    console.info(`wechaty takeover after a graceful close: ${Math.round(takeoverMs)} ms`);
    expect(takeoverMs).toBeLessThan(2_000);
    expect(await leaderGauge(standBy)).toBe('1');
    await asks(account, '电池是什么垃圾', '有害垃圾');
    expect(account.peakRunning).toBe(1);
  });

  it('moves the bot when the leader loses its lock connection, stopping the old bot first; waiting staff replies follow', {
    timeout: 60_000,
  }, async () => {
    // A bot that takes a second to log out: the new leader must wait for it.
    const account = mockAccount({ stopMs: 1_000 });
    const { leader, standBy, database } = await twoInstances(account);
    // The citizen asks for a person through the bot; an agent on the stand-by answers, which the stand-by cannot send.
    await asks(account, '转人工', '');
    const handoff = (await standBy.staff.openHandoffs()).find((h) => h.channel === 'wechaty' && h.userId === account.citizenId);
    if (!handoff) throw new Error('no handoff for the Wechaty citizen');
    const agent = await staffMember(standBy, 'wechaty-failover-agent', 'agent');
    expect((await agent.post(`/api/staff/handoffs/${handoff.id}/claim`)).statusCode).toBe(200);
    const reply = await agent.post(`/api/staff/handoffs/${handoff.id}/reply`, { text: '您好，我是人工客服小王。' });
    expect(reply.json().message).toMatchObject({ delivery: 'failed', deliveryError: 'CHANNEL_OFFLINE' });

    const admin = new PgDatabase(database.url, { max: 1 });
    let killed: number;
    try {
      const { rows } = await admin.run<{ pid: number }>(
        `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'wenzheng-leader' AND a.datname = current_database()`,
      );
      expect(rows).toHaveLength(1);
      killed = performance.now();
      await admin.run('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
    } finally {
      await admin.close();
    }
    await expect.poll(() => standBy.wechaty?.leading && account.running === 1, { timeout: 15_000, interval: 20 }).toBe(true);
    console.info(`wechaty takeover after the leader's lock connection was killed: ${Math.round(performance.now() - killed)} ms`);
    expect(leader.wechaty?.leading).toBe(false);
    expect(leader.wechaty?.channel.isRunning).toBe(false);
    expect(await leaderGauge(leader)).toBe('0');
    expect(await leaderGauge(standBy)).toBe('1');
    // Never two bots at once: the old one stopped before the new one started.
    expect(account.peakRunning).toBe(1);

    // The citizen writes again: the new leader answers and sends the waiting staff reply.
    await asks(account, '还在吗', '您好，我是人工客服小王。');
    // The old leader campaigns again, as the stand-by now.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(leader.wechaty?.leading).toBe(false);
    expect(account.peakRunning).toBe(1);
  });
});

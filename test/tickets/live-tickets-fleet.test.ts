/**
 * Ticket events reach a console on another instance: two apps on one
 * PostgreSQL database, each with its own fleet bus (LISTEN/NOTIFY), as two
 * processes would have. A complaint filed through B and a status change
 * made on B are heard by consoles on A, still filtered by department there.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppsOnOneDatabase, startAppsOnFreshDatabase, type TestApp } from '../helpers/app.js';
import { eventStream } from '../helpers/event-stream.js';
import { KeywordDispatch } from '../helpers/keyword-dispatch.js';
import { describePostgres } from '../helpers/postgres.js';
import { login, say, staffMember } from '../helpers/staff.js';

describePostgres('ticket events across two instances on PostgreSQL', () => {
  let fleet: AppsOnOneDatabase<[TestApp, TestApp]>;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const options = {
      clock: () => new Date('2026-11-25T10:00:00+08:00'),
      dispatch: { classifier: () => new KeywordDispatch({ 油烟: 'urban_management', 物业: 'housing' }), corrections: () => null },
    };
    fleet = await startAppsOnFreshDatabase(options, options);
    [a, b] = fleet.apps;
    await a.app.listen({ host: '127.0.0.1', port: 0 });
  }, 60_000);
  afterAll(() => fleet?.close());

  it('streams a complaint filed through B and a status change made on B to the right consoles on A', async () => {
    const base = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
    const boss = await staffMember(a, 'fleet-boss', 'admin');
    const housing = await staffMember(a, 'fleet-housing', 'agent');
    const urban = await staffMember(a, 'fleet-urban', 'agent');
    await boss.post(`/api/staff/users/${housing.id}/departments`, { departments: ['housing'] });
    await boss.post(`/api/staff/users/${urban.id}/departments`, { departments: ['urban_management'] });
    const listen = (cookie: string) => eventStream(`${base}/api/staff/events`, { cookie: `wz_session=${cookie}` });
    const [housingLive, urbanLive] = await Promise.all([listen(housing.cookie), listen(urban.cookie)]);
    try {
      for (const line of ['我要投诉小区物业不作为，电梯坏了一个月', '浦东新区张江路88弄', '13912345678'])
        await say(b, 'fleet-citizen', line);
      const ref = (await say(b, 'fleet-citizen', '是的')).events.find((e) => e.type === 'ticket.created')?.id;
      const heard = () => housingLive.events.map((e) => e.event).filter((e) => e.ticket === ref);
      await expect.poll(() => heard().map((e) => e.change), { timeout: 5000 }).toEqual(['dispatched']);

      const onB = await login(b.app, 'fleet-boss', 'fleet-boss-password-1');
      expect((await onB.post(`/api/staff/tickets/${ref}/status`, { status: 'in_progress' })).statusCode).toBe(200);
      await expect.poll(() => heard().at(-1), { timeout: 5000 }).toMatchObject({ change: 'status', by: { name: 'fleet-boss' } });
      expect(urbanLive.events.filter((e) => e.event.ticket === ref)).toEqual([]);
    } finally {
      await Promise.all([housingLive.close(), urbanLive.close()]);
    }
  });
});

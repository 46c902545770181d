/**
 * An emergency written at night, with nobody on duty, reaches the first
 * staff member on duty at the top of the ticket list: through the public
 * surface (web chat API, staff API, /metrics, the dashboard), on SQLite and
 * on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { describePostgres } from '../helpers/postgres.js';
import { fileComplaint, say, staffMember } from '../helpers/staff.js';

for (const store of ['sqlite', 'postgres'] as const) {
  (store === 'postgres' ? describePostgres : describe)(`urgent tickets [${store}]`, () => {
    let now = 0;
    let t: TestApp;

    beforeEach(async () => {
      // Wednesday evening, out of office hours (工作日 9:00–17:00), no round-the-clock desk.
      now = Date.parse('2026-11-25T20:00:00+08:00');
      t = await startApp({ clock: () => new Date(now), store });
    });
    afterEach(async () => t?.close());

    /** A complaint through the web chat's form: it needs nobody on duty. */
    const complain = (userId: string, text: string) => fileComplaint(t, userId, text);

    it('puts the night’s emergency first in the morning’s list, marked urgent, ahead of newer tickets', async () => {
      const before = await complain('c-before', '我要投诉楼下饭店油烟太大了');
      now += 3_600_000;
      const fire = (await say(t, 'c-fire', '救命，家里厨房着火了')).events.find((e) => e.type === 'ticket.created')?.id;
      expect(fire).toBeDefined();
      now += 3_600_000;
      const after = await complain('c-after', '我要投诉小区物业不作为');

      now = Date.parse('2026-11-26T09:00:00+08:00');
      const boss = await staffMember(t, 'boss', 'admin');
      const list = (await boss.get('/api/staff/tickets')).json().tickets;
      expect(list.map((x: { reference: string }) => x.reference)).toEqual([fire, after, before]);
      expect(list[0]).toMatchObject({ kind: 'callback', priority: 'urgent', priorityLabel: '紧急' });
      expect(list[1]).toMatchObject({ priority: 'normal', priorityLabel: '普通' });
      expect((await boss.get(`/api/staff/tickets/${fire}`)).json().ticket).toMatchObject({ priority: 'urgent' });
    });

    it('filters the list by priority, refuses an unknown one, and counts open urgent tickets on /metrics and the dashboard', async () => {
      await complain('c-plain', '我要投诉楼下饭店油烟太大了');
      const fire = (await say(t, 'c-fire', '救命，家里厨房着火了')).events.find((e) => e.type === 'ticket.created')?.id;
      const boss = await staffMember(t, 'boss', 'admin');
      const refs = async (q: string) =>
        (await boss.get(`/api/staff/tickets?${q}`)).json().tickets.map((x: { reference: string }) => x.reference);
      expect(await refs('priority=urgent')).toEqual([fire]);
      expect(await refs('priority=urgent&status=resolved')).toEqual([]);
      expect((await boss.get('/api/staff/tickets?priority=asap')).json().error.code).toBe('BAD_REQUEST');

      // No dispatch model here: the ticket waits in 待分派.
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain('wenzheng_tickets_urgent{department="unassigned"} 1');
      const page = (await boss.get('/console/dashboard?from=2026-11-25&to=2026-11-25')).body;
      expect(page).toContain('紧急未办结 1 件');

      await boss.post(`/api/staff/tickets/${fire}/status`, { status: 'resolved', text: '已电话联系，火已扑灭。' });
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).not.toContain('wenzheng_tickets_urgent{');
      expect((await boss.get('/console/dashboard?from=2026-11-25&to=2026-11-25')).body).toContain('紧急未办结 0 件');
    });
  });
}

/**
 * The ticket list's live updates (issue 13): the staff event stream tells
 * a console that a ticket was filed, dispatched, moved, or changed — which
 * ticket, never its content — and only to staff who may see that ticket.
 * Through the public surface: citizens file through /api/v1/messages, staff
 * act through the staff API, consoles read /api/staff/events over HTTP.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { eventStream, type LiveEvent } from '../helpers/event-stream.js';
import { KeywordDispatch } from '../helpers/keyword-dispatch.js';
import { fileComplaint, type StaffClient, say, staffMember } from '../helpers/staff.js';

type Stream = Awaited<ReturnType<typeof eventStream>>;

let t: TestApp;
let base: string;
let boss: StaffClient;

beforeAll(async () => {
  t = await startApp({
    clock: () => new Date('2026-11-25T10:00:00+08:00'),
    dispatch: { classifier: () => new KeywordDispatch({ 油烟: 'urban_management', 物业: 'housing' }), corrections: () => null },
  });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  boss = await staffMember(t, 'boss', 'admin');
});
afterAll(() => t.close());

async function agentOf(name: string, departments: string[]): Promise<StaffClient> {
  const agent = await staffMember(t, name, 'agent');
  expect((await boss.post(`/api/staff/users/${agent.id}/departments`, { departments })).statusCode).toBe(200);
  return agent;
}

const listen = (who: StaffClient) => eventStream(`${base}/api/staff/events`, { cookie: `wz_session=${who.cookie}` });

/** What a console heard about one ticket, in order. */
const about = (s: Stream, reference: string): LiveEvent[] => s.events.map((e) => e.event).filter((e) => e.ticket === reference);

const complain = (userId: string, text: string) => fileComplaint(t, userId, text);

/**
 * Waits until every stream has heard a handoff all staff hear of: each
 * stream delivers in order, so whatever it was going to hear before that
 * has arrived, and "heard nothing" can be asserted.
 */
let sentinels = 0;
async function settled(...streams: Stream[]): Promise<void> {
  const id = (await say(t, `live-sentinel-${++sentinels}`, '转人工')).events.find((e) => e.type === 'handoff.requested')?.id;
  for (const s of streams) await expect.poll(() => s.events.some((e) => e.event.handoffId === id), { timeout: 3000 }).toBe(true);
}

describe('ticket events on the staff event stream', () => {
  it('tells the department and maintainers of a new complaint and of a colleague’s status change; another department hears neither', async () => {
    const housing = await agentOf('housing-a', ['housing']);
    const colleague = await agentOf('housing-b', ['housing']);
    const urban = await agentOf('urban-a', ['urban_management']);
    const desk = await staffMember(t, 'desk-a', 'agent');
    const [housingLive, urbanLive, deskLive, bossLive] = await Promise.all([listen(housing), listen(urban), listen(desk), listen(boss)]);
    try {
      const ref = await complain('live-housing', '我要投诉小区物业不作为，电梯坏了一个月');
      await expect
        .poll(() => about(housingLive, ref), { timeout: 3000 })
        .toEqual([{ type: 'ticket.changed', ticket: ref, change: 'dispatched', department: 'housing', from: null }]);

      expect((await colleague.post(`/api/staff/tickets/${ref}/status`, { status: 'in_progress' })).statusCode).toBe(200);
      const taken = {
        type: 'ticket.changed',
        ticket: ref,
        change: 'status',
        department: 'housing',
        by: { id: colleague.id, name: 'housing-b' },
      };
      await expect.poll(() => about(housingLive, ref).at(-1), { timeout: 3000 }).toEqual(taken);

      // The maintainer hears everything: filed (no department yet), dispatched, taken up.
      await expect.poll(() => about(bossLive, ref).map((e) => e.change), { timeout: 3000 }).toEqual(['filed', 'dispatched', 'status']);
      await settled(deskLive, urbanLive);
      // The hotline desk saw it in 待分派 until dispatch took it away, and nothing after.
      expect(about(deskLive, ref).map((e) => [e.change, e.department])).toEqual([
        ['filed', null],
        ['dispatched', 'housing'],
      ]);
      expect(about(urbanLive, ref)).toEqual([]);
      // What changed, never the content: the page fetches that through the API, where departments are checked.
      expect(JSON.stringify(bossLive.events)).not.toMatch(/物业|张江路|13912345678/);
    } finally {
      await Promise.all([housingLive, urbanLive, deskLive, bossLive].map((s) => s.close()));
    }
  });

  it('tells both departments when a ticket moves from one to the other, and a note only to the one that has it', async () => {
    const housing = await agentOf('housing-c', ['housing']);
    const urban = await agentOf('urban-c', ['urban_management']);
    const transport = await agentOf('transport-c', ['transport']);
    const [housingLive, urbanLive, transportLive, bossLive] = await Promise.all([
      listen(housing),
      listen(urban),
      listen(transport),
      listen(boss),
    ]);
    try {
      const ref = await complain('live-moved', '我要投诉饭店油烟扰民');
      await expect.poll(() => about(urbanLive, ref).map((e) => e.change), { timeout: 3000 }).toEqual(['dispatched']);

      const moved = await urban.post(`/api/staff/tickets/${ref}/department`, { department: 'housing', reason: '小区内商铺，归物业管理' });
      expect(moved.json()).toMatchObject({ visible: false });
      const change = { type: 'ticket.changed', ticket: ref, change: 'department', department: 'housing', from: 'urban_management' };
      await expect.poll(() => about(housingLive, ref), { timeout: 3000 }).toEqual([{ ...change, by: { id: urban.id, name: 'urban-c' } }]);
      // It left the urban agent's list: their page hears of it too, to drop it.
      await expect.poll(() => about(urbanLive, ref).at(-1), { timeout: 3000 }).toMatchObject(change);

      expect((await housing.post(`/api/staff/tickets/${ref}/notes`, { text: '已联系物业' })).statusCode).toBe(200);
      await expect.poll(() => about(housingLive, ref).at(-1)?.change, { timeout: 3000 }).toBe('note');
      await expect
        .poll(() => about(bossLive, ref).map((e) => e.change), { timeout: 3000 })
        .toEqual(['filed', 'dispatched', 'department', 'note']);
      await settled(urbanLive, transportLive);
      expect(about(urbanLive, ref).map((e) => e.change)).toEqual(['dispatched', 'department']);
      expect(about(transportLive, ref)).toEqual([]);
    } finally {
      await Promise.all([housingLive, urbanLive, transportLive, bossLive].map((s) => s.close()));
    }
  });
});

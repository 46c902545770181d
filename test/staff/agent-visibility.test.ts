/**
 * An agent sees the waiting queue and the handoffs they hold or held; other
 * agents' conversations stay out of their list, detail and live stream.
 * Maintainers and admins see everything.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { type StaffClient, say, staffMember } from '../helpers/staff.js';

interface LiveEvent {
  type: string;
  handoffId?: string;
  by?: { id: string; name: string };
}

/** Collects the server-sent events a staff member's console receives. */
async function listen(base: string, who: StaffClient) {
  const res = await fetch(`${base}/api/staff/events`, { headers: { cookie: `wz_session=${who.cookie}` } });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const events: LiveEvent[] = [];
  const reading = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += new TextDecoder().decode(value);
      const complete = buffer.slice(0, buffer.lastIndexOf('\n') + 1);
      buffer = buffer.slice(complete.length);
      for (const line of complete.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)));
    }
  })();
  return {
    events,
    async stop() {
      await reader.cancel();
      await reading.catch(() => {});
    },
  };
}

async function escalate(t: TestApp, userId: string): Promise<string> {
  const turn = await say(t, userId, '转人工');
  const id = turn.events.find((e) => e.type === 'handoff.requested')?.id;
  if (!id) throw new Error(`no handoff for ${userId}`);
  return id;
}

describe('what an agent sees of other agents’ handoffs', () => {
  let t: TestApp;
  let base: string;
  let li: StaffClient;
  let wang: StaffClient;
  let boss: StaffClient;
  let liHolds: string;
  let wangClosed: string;
  let waiting: string;

  beforeAll(async () => {
    t = await startApp({ clock: () => new Date('2026-11-25T10:00:00+08:00') });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    li = await staffMember(t, 'li', 'agent');
    wang = await staffMember(t, 'wang', 'agent');
    boss = await staffMember(t, 'boss', 'maintainer');
    liHolds = await escalate(t, 'visibility-citizen-aaaa-1');
    wangClosed = await escalate(t, 'visibility-citizen-bbbb-2');
    waiting = await escalate(t, 'visibility-citizen-cccc-3');
    expect((await li.post(`/api/staff/handoffs/${liHolds}/claim`)).statusCode).toBe(200);
    expect((await wang.post(`/api/staff/handoffs/${wangClosed}/claim`)).statusCode).toBe(200);
    expect((await wang.post(`/api/staff/handoffs/${wangClosed}/close`, { resolution: 'answered' })).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  const listed = async (who: StaffClient) =>
    ((await who.get('/api/staff/queue')).json().handoffs as Array<{ id: string }>).map((h) => h.id);

  it('lists the waiting queue and their own handoffs to an agent, not another agent’s', async () => {
    expect((await listed(li)).sort()).toEqual([liHolds, waiting].sort());
    expect((await listed(wang)).sort()).toEqual([wangClosed, waiting].sort());
  });

  it('lists every handoff to a maintainer', async () => {
    expect((await listed(boss)).sort()).toEqual([liHolds, wangClosed, waiting].sort());
  });

  it('refuses an agent the detail and history of another agent’s handoff', async () => {
    for (const url of [`/api/staff/handoffs/${wangClosed}`, `/api/staff/handoffs/${liHolds}`]) {
      const who = url.endsWith(wangClosed) ? li : wang;
      const res = await who.get(url);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      expect(res.body).not.toContain('转人工');
    }
    expect((await boss.get(`/api/staff/handoffs/${wangClosed}`)).json().messages.length).toBeGreaterThan(0);
  });

  it('streams an agent events of the queue and their own handoffs only', async () => {
    const liLive = await listen(base, li);
    const bossLive = await listen(base, boss);
    try {
      await new Promise((r) => setTimeout(r, 50));
      // Wang's citizen writes again and Wang answers: Li hears nothing of it.
      const wangHolds = await escalate(t, 'visibility-citizen-dddd-4');
      await wang.post(`/api/staff/handoffs/${wangHolds}/claim`);
      await say(t, 'visibility-citizen-dddd-4', '我家的门牌号是幸福路100号');
      await wang.post(`/api/staff/handoffs/${wangHolds}/reply`, { text: '收到' });
      await wang.post(`/api/staff/handoffs/${wangHolds}/close`, { resolution: 'answered' });
      // Then something Li may see: a message in Li's own handoff.
      await say(t, 'visibility-citizen-aaaa-1', '还在吗');
      await expect
        .poll(() => liLive.events.some((e) => e.handoffId === liHolds && e.type === 'handoff.message'), { timeout: 3000 })
        .toBe(true);
      await expect.poll(() => bossLive.events.filter((e) => e.handoffId === wangHolds).length, { timeout: 3000 }).toBeGreaterThanOrEqual(4);

      const aboutWangs = liLive.events.filter((e) => e.handoffId === wangHolds);
      // Li saw it arrive in the queue, and nothing after Wang took it.
      expect(aboutWangs.map((e) => e.type)).toEqual(['handoff.created']);
      expect(JSON.stringify(liLive.events)).not.toContain('"name":"wang"');
      // The queue did change for Li (the handoff left it): a nudge without id or name.
      expect(liLive.events).toContainEqual({ type: 'queue.changed' });
    } finally {
      await liLive.stop();
      await bossLive.stop();
    }
  });
});

/**
 * Staff replies to an Official Account citizen go through the customer-
 * service API (the fake WeChat server here), which WeChat allows only within
 * 48 hours of the citizen's last message. Outside it the reply is kept and
 * the handoff becomes a callback ticket.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { fakeWechatForFile } from '../helpers/fake-wechat.js';
import { type StaffClient, staffMember } from '../helpers/staff.js';

let now = 0;
const clock = () => new Date(now);
const { fake, env: wechatEnv } = fakeWechatForFile();
let t: TestApp;
let agent: StaffClient;

beforeEach(async () => {
  now = Date.parse('2026-11-25T10:00:00+08:00');
  t = await startApp({
    clock,
    env: {
      ...wechatEnv(),
      // Long enough that the handoff is still open two days later.
      HANDOFF_IDLE_MINUTES: '10000',
      STAFF_SESSION_HOURS: '100',
    },
  });
  agent = await staffMember(t, 'zhangmin', 'agent');
});
afterEach(async () => t.close());

async function handedOff(openId: string): Promise<string> {
  const turn = await t.conversations.handle({ channel: 'wechat-oa', userId: openId, text: '转人工' });
  const id = turn.events.find((e) => e.type === 'handoff.requested')?.id as string;
  expect((await agent.post(`/api/staff/handoffs/${id}/claim`)).statusCode).toBe(200);
  return id;
}

const sends = () => fake.calls.filter((c) => c.path === '/cgi-bin/message/custom/send');

describe('the 48-hour customer-service window', () => {
  it('sends a reply inside the window through the customer-service API', async () => {
    const id = await handedOff('o-window-1');
    now += 47 * 3600_000;
    const view = (await agent.get(`/api/staff/handoffs/${id}`)).json();
    expect(view.window).toMatchObject({ channel: 'wechat-oa', open: true });
    const res = (await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '您好，已为您查询。' })).json();
    expect(res.message.delivery).toBe('sent');
    expect(sends().map((c) => c.body)).toEqual([{ touser: 'o-window-1', msgtype: 'text', text: { content: '您好，已为您查询。' } }]);
  });

  it('keeps a reply outside the window and turns the handoff into a visible callback ticket', async () => {
    const id = await handedOff('o-window-2');
    now += 49 * 3600_000;
    expect((await agent.get(`/api/staff/handoffs/${id}`)).json().window.open).toBe(false);
    const res = (await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '抱歉久等了，请问问题解决了吗？' })).json();
    expect(res.message).toMatchObject({ delivery: 'held', deliveryError: 'out_of_window', text: '抱歉久等了，请问问题解决了吗？' });
    expect(res.handoff.status).toBe('callback');
    expect(res.handoff.callbackReference).toMatch(/^T\d{8}-\d{4}$/);
    expect(sends()).toEqual([]);
    const ticket = (await t.store.tickets()).find((x) => x.reference === res.handoff.callbackReference);
    expect(ticket).toMatchObject({ kind: 'callback', channel: 'wechat-oa', status: 'open' });
    expect(ticket?.description).toContain('抱歉久等了');
    const queue = (await agent.get('/api/staff/queue')).json();
    expect(queue.handoffs.find((h: { id: string }) => h.id === id)).toMatchObject({ status: 'callback' });
  });

  it('sends a held reply once the citizen writes again, and tells the console; the callback ticket stays', async () => {
    const id = await handedOff('o-window-4');
    now += 49 * 3600_000;
    const held = (await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '抱歉久等了。' })).json();
    expect(held.message.delivery).toBe('held');
    expect(sends()).toEqual([]);
    const heard: string[] = [];
    t.events.subscribe((e) => heard.push(`${e.type} ${e.type === 'ticket.changed' ? e.ticket : e.handoffId}`));
    // A day later the citizen writes: the window is open again.
    now += 24 * 3600_000;
    await t.conversations.handle({ channel: 'wechat-oa', userId: 'o-window-4', text: '还在吗' });
    await expect.poll(() => sends().length, { timeout: 3000 }).toBe(1);
    expect(sends()[0]?.body).toEqual({ touser: 'o-window-4', msgtype: 'text', text: { content: '抱歉久等了。' } });
    const view = (await agent.get(`/api/staff/handoffs/${id}`)).json();
    expect(view.messages.find((m: { text: string }) => m.text === '抱歉久等了。')).toMatchObject({ delivery: 'sent', deliveryError: null });
    expect(heard).toContain(`handoff.delivered ${id}`);
    expect((await t.staff.auditLog(50)).filter((a) => a.action === 'redelivered')).toHaveLength(1);
    expect(view.handoff.status).toBe('callback');
    // Nothing is sent twice: the next message finds nothing waiting.
    await t.conversations.handle({ channel: 'wechat-oa', userId: 'o-window-4', text: '好的谢谢' });
    await new Promise((r) => setTimeout(r, 100));
    expect(sends()).toHaveLength(1);
  });

  it('sends what failed and what was held in their order, and keeps both while a send still fails', async () => {
    const id = await handedOff('o-window-5');
    fake.nextErrors.push({ errcode: 45047, errmsg: 'out of response count limit' });
    expect((await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '第一条回复' })).json().message.delivery).toBe('failed');
    now += 49 * 3600_000;
    expect((await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '第二条回复' })).json().message.delivery).toBe('held');
    const staffDeliveries = async () =>
      (await agent.get(`/api/staff/handoffs/${id}`))
        .json()
        .messages.filter((m: { author: string }) => m.author === 'staff')
        .map((m: { delivery: string }) => m.delivery);
    now += 3600_000;
    fake.nextErrors.push({ errcode: 45047, errmsg: 'out of response count limit' });
    await t.conversations.handle({ channel: 'wechat-oa', userId: 'o-window-5', text: '在吗' });
    await expect.poll(() => fake.nextErrors.length, { timeout: 3000 }).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(await staffDeliveries()).toEqual(['failed', 'held']);
    await t.conversations.handle({ channel: 'wechat-oa', userId: 'o-window-5', text: '请回复' });
    await expect.poll(staffDeliveries, { timeout: 3000 }).toEqual(['sent', 'sent']);
    // Every attempt, in order: the reply that failed, its retry that failed too (the held one
    // behind it was not tried), then both.
    expect(sends().map((c) => (c.body as { text: { content: string } }).text.content)).toEqual([
      '第一条回复',
      '第一条回复',
      '第一条回复',
      '第二条回复',
    ]);
  });

  it('treats WeChat refusing with 45015 the same way, and a busy API as a failure that keeps the reply', async () => {
    const id = await handedOff('o-window-3');
    fake.nextErrors.push({ errcode: 45047, errmsg: 'out of response count limit' });
    const failed = (await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '第一条' })).json();
    expect(failed.message).toMatchObject({ delivery: 'failed', deliveryError: 'over_quota (45047)' });
    expect(failed.handoff.status).toBe('claimed');
    fake.nextErrors.push({ errcode: 45015, errmsg: 'response out of time limit' });
    const held = (await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '第二条' })).json();
    expect(held.message.delivery).toBe('held');
    expect(held.handoff.status).toBe('callback');
    const texts = (await agent.get(`/api/staff/handoffs/${id}`)).json().messages.map((m: { text: string }) => m.text);
    expect(texts).toEqual(expect.arrayContaining(['第一条', '第二条']));
  });
});

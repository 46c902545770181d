/**
 * Staff replies to an Official Account citizen go through the customer-
 * service API (the fake WeChat server here), which WeChat allows only within
 * 48 hours of the citizen's last message. Outside it the reply is kept and
 * the handoff becomes a callback ticket.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { FakeWechat } from '../helpers/fake-wechat.js';
import { type StaffClient, staffMember } from '../helpers/staff.js';

let now = 0;
const clock = () => new Date(now);
let fake: FakeWechat;
let t: TestApp;
let agent: StaffClient;

beforeAll(async () => {
  fake = await new FakeWechat().start();
});
afterAll(async () => fake.stop());

beforeEach(async () => {
  now = Date.parse('2026-11-25T10:00:00+08:00');
  fake.calls.length = 0;
  t = await startApp({
    clock,
    env: {
      WECHAT_TOKEN: 'test-token',
      WECHAT_APPID: 'wx-test-app',
      WECHAT_SECRET: 'test-secret',
      WECHAT_API_BASE: fake.base,
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

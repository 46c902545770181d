/**
 * A WeChat citizen hears back about their ticket through the customer-service
 * API (the fake WeChat server), which WeChat allows only within 48 hours of
 * their last message. Outside it the notice is kept and goes out when they
 * next write; nothing is dropped silently.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { fakeWechatForFile } from '../helpers/fake-wechat.js';
import { KeywordDispatch } from '../helpers/keyword-dispatch.js';
import { type StaffClient, staffMember } from '../helpers/staff.js';

let now = 0;
const clock = () => new Date(now);
const { fake, env: wechatEnv } = fakeWechatForFile();
let t: TestApp;
let boss: StaffClient;

beforeEach(async () => {
  now = Date.parse('2026-11-25T10:00:00+08:00');
  t = await startApp({
    clock,
    env: {
      ...wechatEnv(),
      STAFF_SESSION_HOURS: '1000',
    },
    dispatch: { classifier: () => new KeywordDispatch({ 物业: 'housing' }), corrections: () => null },
  });
  boss = await staffMember(t, 'boss', 'admin');
});
afterEach(async () => t.close());

const wechat = (openId: string, text: string) => t.conversations.handle({ channel: 'wechat-oa', userId: openId, text });
const sent = () => fake.sent().map((c) => (c.body as { touser: string; text: { content: string } }).text.content);

async function complain(openId: string): Promise<string> {
  await wechat(openId, '我要投诉小区物业不作为，电梯坏了一个月');
  await wechat(openId, '浦东新区锦绣路100弄');
  await wechat(openId, '13912345678');
  const done = await wechat(openId, '是的');
  const reference = done.events.find((e) => e.type === 'ticket.created')?.id as string;
  await vi.waitFor(async () => expect((await boss.get(`/api/staff/tickets/${reference}`)).json().ticket.department?.id).toBe('housing'));
  return reference;
}

describe('a WeChat citizen hearing back', () => {
  it('gets the status change and the result through the customer-service API inside the window', async () => {
    const ref = await complain('o-ticket-1');
    now += 24 * 3600_000;
    const started = (await boss.post(`/api/staff/tickets/${ref}/status`, { status: 'in_progress' })).json();
    expect(started.delivery).toBe('sent');
    const done = (await boss.post(`/api/staff/tickets/${ref}/status`, { status: 'resolved', text: '电梯已由维保单位修复。' })).json();
    expect(done.delivery).toBe('sent');
    expect(fake.sent().map((c) => (c.body as { touser: string }).touser)).toEqual(['o-ticket-1', 'o-ticket-1']);
    expect(sent()[0]).toContain(`${ref}）已由区住房和城乡建设管理委员会开始办理`);
    expect(sent()[1]).toContain('办理结果：电梯已由维保单位修复。');
  });

  it('keeps the result outside the 48-hour window and sends it when the citizen writes again', async () => {
    const ref = await complain('o-ticket-2');
    now += 49 * 3600_000;
    const done = (await boss.post(`/api/staff/tickets/${ref}/status`, { status: 'resolved', text: '已督促物业更换电梯主板。' })).json();
    expect(done.delivery).toBe('held');
    expect(fake.sent()).toEqual([]);
    expect(done.history.at(-1)).toMatchObject({ type: 'message', delivery: 'held' });

    now += 3600_000;
    await wechat('o-ticket-2', '你好');
    await vi.waitFor(() => expect(sent()).toEqual([expect.stringContaining('办理结果：已督促物业更换电梯主板。')]));
    const { history } = (await boss.get(`/api/staff/tickets/${ref}`)).json();
    expect(history.at(-1)).toMatchObject({ type: 'message', delivery: 'sent' });
  });

  it('keeps a notice WeChat refused and sends it when the citizen writes again', async () => {
    const ref = await complain('o-ticket-3');
    fake.nextErrors.push({ errcode: 45047, errmsg: 'out of response count limit' });
    const res = (await boss.post(`/api/staff/tickets/${ref}/status`, { status: 'in_progress' })).json();
    expect(res.delivery).toBe('failed');
    await wechat('o-ticket-3', '进展怎么样了');
    await vi.waitFor(() => expect(sent()).toEqual([expect.stringContaining('开始办理')]));
  });
});

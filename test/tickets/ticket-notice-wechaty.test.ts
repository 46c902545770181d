/**
 * A Wechaty citizen (wechaty-puppet-mock) files a complaint by direct
 * message and hears back through the bot when staff take it up and close it
 * with a result, as main.ts wires it (the outbox's Wechaty sender).
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { WechatyChannel } from '../../src/channels/wechaty/wechaty-channel.js';
import { wechatySender } from '../../src/channels/wechaty/wechaty-sender.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { KeywordDispatch } from '../helpers/keyword-dispatch.js';
import { type StaffClient, staffMember } from '../helpers/staff.js';

describe('a Wechaty citizen hearing back', () => {
  const mocker = new mock.Mocker();
  let t: TestApp;
  let channel: WechatyChannel;
  let boss: StaffClient;
  let bot: mock.ContactMock;
  let citizen: mock.ContactMock;
  const received: string[] = [];

  beforeAll(async () => {
    t = await startApp({
      clock: () => new Date(),
      dispatch: { classifier: () => new KeywordDispatch({ 物业: 'housing' }), corrections: () => null },
    });
    channel = new WechatyChannel({
      puppet: () => new PuppetMock({ mocker }),
      conversations: t.conversations,
      log: pino({ level: 'silent' }),
      unsupportedMessage: '只能看懂文字',
      sendTimeoutMs: 2000,
    });
    t.outbox.register('wechaty', wechatySender(channel));
    await channel.start();
    bot = mocker.createContact({ name: '问政助手' });
    mocker.login(bot);
    citizen = mocker.createContact({ name: '市民丙' });
    // The mocks are EventEmitters at run time; their types do not say so.
    // Only what the bot sends (the contact's own messages come through here too).
    type Payload = { text?: string; talkerId?: string; fromId?: string };
    (citizen as unknown as { on(e: 'message', f: (m: { payload: Payload }) => void): void }).on('message', (m) => {
      if ((m.payload.talkerId ?? m.payload.fromId) === bot.id) received.push(m.payload.text ?? '');
    });
    boss = await staffMember(t, 'boss', 'admin');
  }, 60_000);
  afterAll(async () => {
    await channel?.stop();
    await t?.close();
  });

  const say = async (text: string) => {
    const before = received.length;
    citizen.say(text).to(bot);
    await vi.waitFor(() => expect(received.length).toBeGreaterThan(before), { timeout: 10_000 });
  };

  it('gets the status change and the result through the bot', { timeout: 60_000 }, async () => {
    await say('我要投诉小区物业不作为，电梯坏了一个月');
    await say('浦东新区锦绣路100弄');
    await say('13912345678');
    await say('是的');
    const reference = /T\d{8}-\d{4}/.exec(received.at(-1) ?? '')?.[0] as string;
    expect(reference).toBeDefined();
    await vi.waitFor(async () => expect((await boss.get(`/api/staff/tickets/${reference}`)).json().ticket.department?.id).toBe('housing'));

    expect((await boss.post(`/api/staff/tickets/${reference}/status`, { status: 'in_progress' })).json().delivery).toBe('sent');
    const done = await boss.post(`/api/staff/tickets/${reference}/status`, { status: 'resolved', text: '电梯已修复并通过检验。' });
    expect(done.json().delivery).toBe('sent');
    await vi.waitFor(() => expect(received.at(-1)).toContain('办理结果：电梯已修复并通过检验。'));
    expect(received.at(-2)).toContain(`${reference}）已由区住房和城乡建设管理委员会开始办理`);
  });
});

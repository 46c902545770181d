/** The Wechaty channel driving a real Wechaty instance with wechaty-puppet-mock. */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { isForUs, roomMemberId, WechatyChannel } from '../../src/channels/wechaty/wechaty-channel.js';
import { ConversationService } from '../../src/dialogue/conversation-service.js';
import { loadBehaviour } from '../../src/dialogue/definitions.js';
import { DialogueEngine } from '../../src/dialogue/engine.js';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { shippedModel, startApp } from '../helpers/app.js';
import { mockAccount } from '../helpers/mock-wechaty.js';

const log = pino({ level: 'silent' });
const behaviour = loadBehaviour('intents');
const service = () =>
  new ConversationService({
    store: new SqliteStore(openDatabase(':memory:')),
    models: new ModelHolder(shippedModel()),
    engine: new DialogueEngine(behaviour),
    clock: () => new Date('2026-11-25T10:00:00+08:00'),
    log,
  });

/** Collects what a mock contact or room receives. */
// The mocks are EventEmitters at run time; their types do not say so.
function inbox(target: mock.ContactMock | mock.RoomMock) {
  const got: Array<{ text: string; mentions: string[] }> = [];
  const emitter = target as unknown as { on(e: 'message', f: (m: { payload: { text?: string; mentionIdList?: string[] } }) => void): void };
  emitter.on('message', (m) => got.push({ text: m.payload.text ?? '', mentions: m.payload.mentionIdList ?? [] }));
  return got;
}

describe('Wechaty channel with puppet-mock', () => {
  const mocker = new mock.Mocker();
  const channel = new WechatyChannel({
    puppet: () => new PuppetMock({ mocker }),
    conversations: service(),
    log,
    unsupportedMessage: '只能看懂文字',
    sendTimeoutMs: 2000,
  });
  let botUser: mock.ContactMock;
  let citizen: mock.ContactMock;
  let other: mock.ContactMock;
  let room: mock.RoomMock;

  beforeAll(async () => {
    await channel.start();
    botUser = mocker.createContact({ name: '问政助手' });
    mocker.login(botUser);
    citizen = mocker.createContact({ name: '市民甲' });
    other = mocker.createContact({ name: '市民乙' });
    room = mocker.createRoom({ topic: '小区群', memberIdList: [botUser.id, citizen.id, other.id] });
  });
  afterAll(() => channel.stop());

  it('answers a direct message through the dialogue', async () => {
    const received = inbox(citizen);
    citizen.say('奶茶杯是什么垃圾').to(botUser);
    await expect.poll(() => received.find((m) => m.text.includes('干垃圾')), { timeout: 5000 }).toBeDefined();
  });

  it('runs a multi-turn form over direct messages to a stored appointment', async () => {
    const received = inbox(citizen);
    for (const [text, expected] of [
      ['我想预约办事', '哪项业务'],
      ['社保卡', '哪个区'],
      ['徐汇', '哪一天'],
      ['下周一下午', '请确认'],
      ['是的', '预约成功'],
    ] as const) {
      citizen.say(text).to(botUser);
      await expect.poll(() => received.some((m) => m.text.includes(expected)), { timeout: 5000 }).toBe(true);
    }
  });

  it('answers in a room only when mentioned, strips the mention and mentions the asker', async () => {
    const got = inbox(room);
    citizen.say('@问政助手 奶茶杯是什么垃圾', [botUser]).to(room);
    // room.say(text, talker) mentions the asker; the mock puppet renders it as "@name " in the text.
    await expect.poll(() => got.find((m) => m.text.includes('干垃圾'))?.text, { timeout: 5000 }).toMatch(/^@市民甲/);
    expect(got.find((m) => m.text.includes('干垃圾'))?.text).not.toContain('@问政助手');
  });

  it('delivers a staff message to a contact, and to a room member with a mention', async () => {
    const direct = inbox(citizen);
    await channel.sendTo(citizen.id, '您好，我是人工客服张敏。');
    await expect.poll(() => direct.some((m) => m.text === '您好，我是人工客服张敏。'), { timeout: 5000 }).toBe(true);
    const inRoom = inbox(room);
    await channel.sendTo(roomMemberId(room.id, citizen.id), '已为您登记。');
    await expect.poll(() => inRoom.find((m) => m.text.includes('已为您登记'))?.text, { timeout: 5000 }).toBe('@市民甲 已为您登记。');
  });

  it('stays silent in a room when not mentioned', async () => {
    const got = inbox(room);
    other.say('奶茶杯是什么垃圾').to(room);
    await new Promise((r) => setTimeout(r, 800));
    expect(got.filter((m) => m.text.includes('干垃圾'))).toEqual([]);
  });
});

describe('stopping the bot', () => {
  it('while its puppet is still logging in leaves no bot running', { timeout: 30_000 }, async () => {
    const account = mockAccount({ startMs: 500 });
    const channel = new WechatyChannel({ puppet: account.puppet, conversations: service(), log, unsupportedMessage: 'x' });
    const starting = channel.start();
    await new Promise((r) => setTimeout(r, 100));
    await channel.stop();
    await starting;
    expect(channel.isRunning).toBe(false);
    expect(account.running).toBe(0);
  });
});

describe('the bot as the app runs it on SQLite', () => {
  it('leads at once as the only instance, says so in /metrics, answers, and stops when the app closes', { timeout: 30_000 }, async () => {
    const account = mockAccount();
    const t = await startApp({ clock: () => new Date(), wechatyPuppet: account.puppet });
    try {
      expect(t.wechaty?.leading).toBe(true);
      await expect.poll(() => account.running, { timeout: 10_000 }).toBe(1);
      const metrics = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
      expect(metrics.body).toMatch(/^wenzheng_wechaty_leader 1$/m);
      account.say('奶茶杯是什么垃圾');
      await expect.poll(() => account.received.find((m) => m.includes('干垃圾')), { timeout: 5000 }).toBeDefined();
    } finally {
      await t.close();
    }
    expect(t.wechaty?.leading).toBe(false);
    expect(account.running).toBe(0);
  });
});

describe('message filter', () => {
  const startedAt = Date.parse('2026-11-25T10:00:00Z');
  it('ignores its own messages, official accounts and anything older than its start', () => {
    expect(isForUs({ self: false, official: false, sentAt: startedAt + 1000, startedAt })).toBe(true);
    expect(isForUs({ self: true, official: false, sentAt: startedAt + 1000, startedAt })).toBe(false);
    expect(isForUs({ self: false, official: true, sentAt: startedAt + 1000, startedAt })).toBe(false);
    expect(isForUs({ self: false, official: false, sentAt: startedAt - 60_000, startedAt })).toBe(false);
  });
});

describe('a failing puppet', () => {
  it('is logged and restarted with backoff, without throwing to the server', { timeout: 30_000 }, async () => {
    let failures = 2;
    class FlakyPuppet extends PuppetMock {
      override async onStart(): Promise<void> {
        if (failures > 0) {
          failures--;
          throw new Error('puppet could not connect');
        }
        return super.onStart();
      }
    }
    const lines: string[] = [];
    const spy = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    const flaky = new WechatyChannel({
      puppet: () => new FlakyPuppet(),
      conversations: service(),
      log: spy,
      unsupportedMessage: 'x',
      restartBackoffMs: [50, 50],
      stopTimeoutMs: 500,
    });
    await expect(flaky.start()).resolves.toBeUndefined();
    expect(flaky.isRunning).toBe(false);
    // Wechaty itself waits up to 5 s for a failed start to settle before stopping.
    await expect.poll(() => flaky.isRunning, { timeout: 20_000, interval: 200 }).toBe(true);
    expect(lines.some((l) => l.includes('puppet could not connect'))).toBe(true);
    expect(lines.filter((l) => l.includes('restarting the puppet')).length).toBeGreaterThanOrEqual(2);
    await flaky.stop();
  });
});

/**
 * Conversation store contract: a turn's actions, state, messages and
 * delivery commit together, on SQLite and PostgreSQL alike.
 */
import { describe, expect, it } from 'vitest';
import { type Action, type Channel, type Conversation, initialState } from '../../../src/core/conversation.js';
import { DuplicateDeliveryError, type TurnCommit } from '../../../src/core/stores.js';
import type { ConversationRecords } from '../../../src/storage/storage.js';
import { describeStores } from './stores.js';

const NOW = Date.parse('2026-12-04T10:00:00+08:00');

const conversation = (userId: string, id = `conv-${userId}`): Conversation => ({
  id,
  channel: 'web',
  userId,
  state: initialState(),
  updatedAt: NOW,
});

function turn(c: Conversation, actions: Action[], o: { text?: string; deliveryKey?: string; now?: number } = {}): TurnCommit<unknown[]> {
  return {
    conversation: c,
    actions,
    incoming: {
      direction: 'in',
      text: o.text ?? '你好',
      intent: 'greeting',
      score: 0.91,
      modelVersion: 'v1',
      outcome: 'answer',
      maskedText: o.text ?? '你好',
      trace: { stage: 'idle', alternatives: [{ intent: 'greeting', score: 0.91 }] },
    },
    now: o.now ?? NOW,
    deliveryKey: o.deliveryKey,
    finish: (results) => ({
      state: { ...c.state, lastIntent: 'greeting' },
      outgoing: [{ direction: 'out', text: '您好', intent: null, score: null, modelVersion: null }],
      deliveryReply: o.deliveryKey ? JSON.stringify([{ type: 'text', text: '您好' }]) : undefined,
      value: results,
    }),
  };
}

const appointment: Action = { type: 'create_appointment', service: '居住证', district: '浦东新区', date: '2026-12-09', period: 'am' };
const complaint: Action = {
  type: 'create_ticket',
  kind: 'complaint',
  description: '油烟扰民',
  location: '张江路88弄',
  phone: '13912345678',
};

describeStores('conversation store', (s) => {
  const store = (): ConversationRecords => s.storage.conversations;

  it('saves the state and finds the conversation by channel and user', async () => {
    await store().commitTurn(turn(conversation('u1'), []));
    const found = await store().find('web', 'u1');
    expect(found).toMatchObject({ id: 'conv-u1', channel: 'web', userId: 'u1', updatedAt: NOW });
    expect(found?.state.lastIntent).toBe('greeting');
    expect(await store().find('web', 'nobody')).toBeNull();
    expect(await store().find('wechat-oa', 'u1')).toBeNull();
  });

  it('logs the incoming and outgoing messages with the trace', async () => {
    await store().commitTurn(turn(conversation('u1'), [], { text: '公积金怎么提取' }));
    const messages = await s.storage.staff.messages('conv-u1');
    expect(messages.map((m) => [m.direction, m.author, m.text])).toEqual([
      ['in', 'citizen', '公积金怎么提取'],
      ['out', 'assistant', '您好'],
    ]);
    expect(messages[0]).toMatchObject({ intent: 'greeting', score: 0.91, outcome: 'answer', trace: { stage: 'idle' } });
  });

  it('books an appointment with the day’s next reference, and lets only its owner cancel it', async () => {
    const [created] = (await store().commitTurn(turn(conversation('u1'), [appointment]))) as Array<{ reference: string }>;
    expect(created).toEqual({ type: 'appointment_created', reference: 'A20261204-0001' });
    const [second] = (await store().commitTurn(turn(conversation('u2'), [appointment]))) as Array<{ reference: string }>;
    expect(second?.reference).toBe('A20261204-0002');
    const cancel: Action = { type: 'cancel_appointment', reference: 'A20261204-0001' };
    expect(await store().commitTurn(turn(conversation('u2'), [cancel]))).toEqual([
      { type: 'appointment_cancelled', reference: 'A20261204-0001', found: false, alreadyCancelled: false },
    ]);
    expect(await store().commitTurn(turn(conversation('u1'), [cancel]))).toEqual([
      { type: 'appointment_cancelled', reference: 'A20261204-0001', found: true, alreadyCancelled: false },
    ]);
    expect(await store().commitTurn(turn(conversation('u1'), [cancel]))).toEqual([
      { type: 'appointment_cancelled', reference: 'A20261204-0001', found: true, alreadyCancelled: true },
    ]);
    expect((await store().appointments()).map((a) => [a.reference, a.userId, a.status, a.service, a.period, a.createdAt])).toEqual([
      ['A20261204-0001', 'u1', 'cancelled', '居住证', 'am', NOW],
      ['A20261204-0002', 'u2', 'booked', '居住证', 'am', NOW],
    ]);
  });

  it('numbers references per Shanghai day and per kind', async () => {
    const lateEvening = Date.parse('2026-12-04T23:59:59+08:00');
    const nextMorning = Date.parse('2026-12-05T00:00:01+08:00');
    const refs = async (actions: Action[], now: number) =>
      ((await store().commitTurn(turn(conversation('u1'), actions, { now }))) as Array<{ reference: string }>).map((r) => r.reference);
    expect(await refs([complaint, appointment, complaint], lateEvening)).toEqual(['T20261204-0001', 'A20261204-0001', 'T20261204-0002']);
    expect(await refs([complaint], nextMorning)).toEqual(['T20261205-0001']);
  });

  it('never issues one reference twice to turns committed at once', async () => {
    const turns = Array.from({ length: 12 }, (_, i) => store().commitTurn(turn(conversation(`u${i}`), [complaint])));
    const refs = (await Promise.all(turns)).map((r) => (r as Array<{ reference: string }>)[0]?.reference);
    expect(new Set(refs).size).toBe(12);
    expect([...refs].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `T20261204-${String(i + 1).padStart(4, '0')}`));
  });

  it('files a ticket and finds it again only for the citizen who filed it', async () => {
    const [created] = (await store().commitTurn(turn(conversation('u1'), [complaint]))) as Array<{ reference: string }>;
    const reference = created?.reference ?? '';
    expect(await store().commitTurn(turn(conversation('u1'), [{ type: 'lookup_reference', reference }]))).toEqual([
      {
        type: 'reference_found',
        reference,
        kind: 'ticket',
        status: 'open',
        details: { kind: 'complaint', created: String(NOW), department: null, result: null },
      },
    ]);
    // Another session hears neither the ticket nor whether it exists until the phone's last 4 digits match.
    expect(await store().commitTurn(turn(conversation('u2'), [{ type: 'lookup_reference', reference }]))).toEqual([
      { type: 'reference_proof_needed', reference },
    ]);
    expect(await store().commitTurn(turn(conversation('u2'), [{ type: 'verify_reference', reference, phoneTail: '0000' }]))).toEqual([
      { type: 'reference_unverified', reference, locked: false },
    ]);
    expect(
      await store().commitTurn(turn(conversation('u2'), [{ type: 'verify_reference', reference: 'T20991231-0001', phoneTail: '5678' }])),
    ).toEqual([{ type: 'reference_unverified', reference: 'T20991231-0001', locked: false }]);
    expect(await store().commitTurn(turn(conversation('u2'), [{ type: 'verify_reference', reference, phoneTail: '5678' }]))).toEqual([
      {
        type: 'reference_found',
        reference,
        kind: 'ticket',
        status: 'open',
        details: { kind: 'complaint', created: String(NOW), department: null, result: null },
      },
    ]);
    expect(await store().tickets()).toMatchObject([
      { reference, kind: 'complaint', userId: 'u1', location: '张江路88弄', phone: '13912345678', status: 'open', createdAt: NOW },
    ]);
  });

  describe('the phone-digit proof for a ticket, limited per ticket number across conversations', () => {
    const HOUR = 3600_000;
    const verify = async (userId: string, reference: string, phoneTail: string, now = NOW, channel: Channel = 'web') =>
      (
        (await store().commitTurn(
          turn({ ...conversation(userId), channel }, [{ type: 'verify_reference', reference, phoneTail }], { now }),
        )) as unknown[]
      )[0];
    const lookup = async (userId: string, reference: string, now = NOW) =>
      ((await store().commitTurn(turn(conversation(userId), [{ type: 'lookup_reference', reference }], { now }))) as unknown[])[0];
    const fileComplaint = async () =>
      ((await store().commitTurn(turn(conversation('owner'), [complaint]))) as Array<{ reference: string }>)[0]?.reference ?? '';
    /** `n` wrong answers, 3 per conversation (the dialogue's own limit), each conversation a new one. */
    const guess = async (reference: string, n: number, now = NOW) => {
      const results = [];
      for (let i = 0; i < n; i++) results.push(await verify(`guesser-${now}-${Math.floor(i / 3)}`, reference, String(1000 + i), now + i));
      return results;
    };
    const found = (reference: string) => ({
      type: 'reference_found',
      reference,
      kind: 'ticket',
      status: 'open',
      details: { kind: 'complaint', created: String(NOW), department: null, result: null },
    });

    it('adds up wrong answers from different conversations and channels and locks the number at the tenth', async () => {
      const reference = await fileComplaint();
      expect(await guess(reference, 8)).toEqual(Array(8).fill({ type: 'reference_unverified', reference, locked: false }));
      expect(await verify('on-wechat', reference, '4321', NOW + HOUR, 'wechat-oa')).toEqual({
        type: 'reference_unverified',
        reference,
        locked: false,
      });
      expect(await verify('tenth', reference, '9999', NOW + 2 * HOUR)).toEqual({ type: 'reference_unverified', reference, locked: true });
    });

    it('refuses even the right digits while the number is locked, and takes them once its window has passed', async () => {
      const reference = await fileComplaint();
      await guess(reference, 10);
      const locked = { type: 'reference_proof_locked', reference };
      expect(await verify('owner-on-a-new-phone', reference, '5678', NOW + HOUR)).toEqual(locked);
      expect(await lookup('owner-on-a-new-phone', reference, NOW + HOUR)).toEqual(locked);
      // Refusals compare nothing and count nothing: the window still ends a day after the first failure.
      expect(await verify('owner-on-a-new-phone', reference, '5678', NOW + 24 * HOUR - 1)).toEqual(locked);
      // The conversation that filed it sees it as ever.
      expect(await lookup('owner', reference, NOW + HOUR)).toEqual(found(reference));
      expect(await lookup('owner-on-a-new-phone', reference, NOW + 24 * HOUR)).toEqual({ type: 'reference_proof_needed', reference });
      expect(await verify('owner-on-a-new-phone', reference, '5678', NOW + 24 * HOUR)).toEqual(found(reference));
    });

    it('counts wrong answers from a window that has passed for nothing', async () => {
      const reference = await fileComplaint();
      await guess(reference, 9);
      expect(await guess(reference, 9, NOW + 24 * HOUR)).toEqual(Array(9).fill({ type: 'reference_unverified', reference, locked: false }));
      expect(await verify('owner-on-a-new-phone', reference, '5678', NOW + 25 * HOUR)).toEqual(found(reference));
    });

    it('keeps the count when the right digits are given', async () => {
      const reference = await fileComplaint();
      await guess(reference, 9);
      expect(await verify('owner-on-a-new-phone', reference, '5678', NOW + HOUR)).toEqual(found(reference));
      expect(await verify('guesser-after', reference, '0000', NOW + 2 * HOUR)).toEqual({
        type: 'reference_unverified',
        reference,
        locked: true,
      });
    });

    it('locks an unknown number the same way, so a lock does not tell which numbers exist', async () => {
      const unknown = 'T20991231-0001';
      expect(await guess(unknown, 10)).toEqual([
        ...Array(9).fill({ type: 'reference_unverified', reference: unknown, locked: false }),
        { type: 'reference_unverified', reference: unknown, locked: true },
      ]);
      expect(await lookup('someone', unknown, NOW + HOUR)).toEqual({ type: 'reference_proof_locked', reference: unknown });
    });

    it('compares no more than ten answers that arrive at once from many conversations', async () => {
      const reference = await fileComplaint();
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => verify(`at-once-${i}`, reference, String(2000 + i))));
      const types = results.map((r) => (r as { type: string }).type);
      expect(types.filter((t) => t === 'reference_unverified')).toHaveLength(10);
      expect(types.filter((t) => t === 'reference_proof_locked')).toHaveLength(6);
      expect(results.filter((r) => (r as { locked?: boolean }).locked)).toHaveLength(1);
    });
  });

  it('finds an appointment by reference with its details', async () => {
    await store().commitTurn(turn(conversation('u1'), [appointment]));
    expect(await store().commitTurn(turn(conversation('u1'), [{ type: 'lookup_reference', reference: 'A20261204-0001' }]))).toEqual([
      {
        type: 'reference_found',
        reference: 'A20261204-0001',
        kind: 'appointment',
        status: 'booked',
        details: { service: '居住证', district: '浦东新区', date: '2026-12-09', period: 'am' },
      },
    ]);
  });

  it('queues handoffs by priority and tells the citizen their place', async () => {
    const ask = (userId: string, priority: 'urgent' | 'normal', now: number) =>
      store().commitTurn(
        turn(conversation(userId), [{ type: 'request_handoff', reason: 'asked_for_human', priority, summary: '咨询' }], { now }),
      );
    const [first] = (await ask('u1', 'normal', NOW)) as Array<{ queuePosition: number; expectedWaitMinutes: number; id: string }>;
    const [second] = (await ask('u2', 'normal', NOW + 1000)) as Array<{ queuePosition: number }>;
    const [urgent] = (await ask('u3', 'urgent', NOW + 2000)) as Array<{ queuePosition: number }>;
    expect([first?.queuePosition, second?.queuePosition, urgent?.queuePosition]).toEqual([1, 2, 1]);
    expect(first?.expectedWaitMinutes).toBe(3);
    expect((await store().handoffs()).map((h) => h.userId)).toEqual(['u3', 'u1', 'u2']);
    expect(await store().handoffQueue()).toEqual({ length: 3, oldestCreatedAt: NOW });
    const forwarded = await store().commitTurn(
      turn(conversation('u1'), [{ type: 'forward_to_staff', handoffId: first?.id ?? '' }], { now: NOW + 5000 }),
    );
    expect(forwarded).toEqual([
      { type: 'forwarded', handoffId: first?.id, open: true, claimed: false, queuePosition: 2, expectedWaitMinutes: 6 },
    ]);
    await store().commitTurn(turn(conversation('u1'), [{ type: 'leave_handoff', handoffId: first?.id ?? '' }], { now: NOW + 6000 }));
    const left = (await store().handoffs()).find((h) => h.id === first?.id);
    expect(left).toMatchObject({ status: 'closed', resolution: 'citizen_left', closedAt: NOW + 6000, lastCitizenAt: NOW + 5000 });
    expect((await store().handoffQueue()).length).toBe(2);
  });

  it('records one rating per handoff, and a poor one becomes a follow-up ticket', async () => {
    const [h] = (await store().commitTurn(
      turn(conversation('u1'), [{ type: 'request_handoff', reason: 'anger', priority: 'high', summary: '办事太慢' }]),
    )) as Array<{ id: string }>;
    const id = h?.id ?? '';
    const rate = (level: 1 | 2 | 3 | 4 | 5) =>
      store().commitTurn(turn(conversation('u1'), [{ type: 'record_rating', handoffId: id, level, comment: '等太久了' }]));
    expect(await rate(2)).toEqual([
      { type: 'rating_recorded', handoffId: id, level: 2, followUpReference: 'T20261204-0001', duplicate: false },
    ]);
    expect(await rate(5)).toEqual([{ type: 'rating_recorded', handoffId: id, level: 5, followUpReference: null, duplicate: true }]);
    expect(await store().ratings()).toMatchObject([
      { handoffId: id, conversationId: 'conv-u1', level: 2, comment: '等太久了', followUpReference: 'T20261204-0001' },
    ]);
    expect(await store().tickets()).toMatchObject([
      { reference: 'T20261204-0001', kind: 'follow_up', description: '好差评回访（不满意）：等太久了；原诉求：办事太慢' },
    ]);
  });

  it('runs a delivery once: a repeated key fails the turn and leaves nothing of it', async () => {
    await store().commitTurn(turn(conversation('u1'), [complaint], { deliveryKey: 'wx:1' }));
    expect(await store().findDelivery('wx:1')).toEqual({ reply: JSON.stringify([{ type: 'text', text: '您好' }]), answeredLate: false });
    await expect(store().commitTurn(turn(conversation('u1'), [complaint], { deliveryKey: 'wx:1' }))).rejects.toBeInstanceOf(
      DuplicateDeliveryError,
    );
    expect(await store().tickets()).toHaveLength(1);
    expect(await s.storage.staff.messages('conv-u1')).toHaveLength(2);
    await store().markAnsweredLate('wx:1');
    expect((await store().findDelivery('wx:1'))?.answeredLate).toBe(true);
    expect(await store().findDelivery('wx:2')).toBeNull();
  });

  it('lets exactly one of two simultaneous turns with one delivery key commit', async () => {
    const results = await Promise.allSettled([
      store().commitTurn(turn(conversation('u1'), [complaint], { deliveryKey: 'wx:9' })),
      store().commitTurn(turn(conversation('u1'), [complaint], { deliveryKey: 'wx:9' })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(DuplicateDeliveryError);
    expect(await store().tickets()).toHaveLength(1);
  });

  it('rolls back a turn whose finish step throws: nothing of it is stored', async () => {
    const failing = {
      ...turn(conversation('u1'), [complaint]),
      finish: () => {
        throw new Error('engine bug');
      },
    };
    await expect(store().commitTurn(failing)).rejects.toThrow('engine bug');
    expect(await store().tickets()).toEqual([]);
    expect(await store().find('web', 'u1')).toBeNull();
    const [next] = (await store().commitTurn(turn(conversation('u1'), [complaint]))) as Array<{ reference: string }>;
    expect(next?.reference).toBe('T20261204-0001');
  });

  it('stores text PostgreSQL cannot hold as is (NUL) without failing the turn', async () => {
    await store().commitTurn(turn(conversation('u1'), [], { text: 'a\u0000b' }));
    const [incoming] = await s.storage.staff.messages('conv-u1');
    expect(incoming?.text.startsWith('a')).toBe(true);
    expect(incoming?.text.endsWith('b')).toBe(true);
  });

  it('forgets a citizen: conversation and messages go, records stay without the person', async () => {
    await store().commitTurn(turn(conversation('u1'), [complaint, appointment], { deliveryKey: 'wx:f' }));
    await store().commitTurn(turn(conversation('u2'), [complaint]));
    expect(await store().forgetUser('web', 'u1')).toEqual({ conversations: 1, messages: 2, anonymised: 2 });
    expect(await store().find('web', 'u1')).toBeNull();
    expect(await store().findDelivery('wx:f')).toBeNull();
    const tickets = await store().tickets();
    expect(tickets.map((t) => [t.userId, t.phone, t.location])).toEqual([
      ['(forgotten)', null, null],
      ['u2', '13912345678', '张江路88弄'],
    ]);
    expect((await store().appointments())[0]?.userId).toBe('(forgotten)');
    expect(await store().find('web', 'u2')).not.toBeNull();
  });

  it('caches a channel token until dropped', async () => {
    expect(await store().get('wechat:wx1')).toBeNull();
    await store().put('wechat:wx1', 'sealed-1', NOW + 7_200_000);
    await store().put('wechat:wx1', 'sealed-2', NOW + 7_300_000);
    expect(await store().get('wechat:wx1')).toEqual({ token: 'sealed-2', expiresAt: NOW + 7_300_000 });
    await store().drop('wechat:wx1');
    expect(await store().get('wechat:wx1')).toBeNull();
  });

  it('says it can take writes', async () => {
    expect(await store().writable()).toBe(true);
  });
});

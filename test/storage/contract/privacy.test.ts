/** Privacy store contract: a citizen's data on request, and the retention purge, on SQLite and PostgreSQL. */
import { expect, it } from 'vitest';
import { initialState } from '../../../src/core/conversation.js';
import { describeStores, type StoreUnderTest } from './stores.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-04T10:00:00+08:00');
const IDLE = JSON.stringify(initialState());

async function history(s: StoreUnderTest, userId: string, now: number): Promise<string> {
  const c = {
    id: `conv-${userId}`,
    channel: 'web' as const,
    userId,
    state: { ...initialState(), lastIntent: 'complaint' },
    updatedAt: now,
  };
  const [h] = (await s.storage.conversations.commitTurn({
    conversation: c,
    actions: [
      { type: 'create_ticket', kind: 'complaint', description: '噪音扰民，电话13912345678', location: '张江路', phone: '13912345678' },
      { type: 'request_handoff', reason: 'asked_for_human', priority: 'normal', summary: '噪音 13912345678' },
    ],
    incoming: {
      direction: 'in',
      text: '楼下装修太吵',
      intent: 'complaint',
      score: 0.9,
      modelVersion: 'v1',
      maskedText: '楼下装修太吵',
      trace: { stage: 'idle' },
    },
    now,
    deliveryKey: `wx:${userId}`,
    finish: (results) => ({
      state: c.state,
      outgoing: [{ direction: 'out', text: '已受理', intent: null, score: null, modelVersion: null }],
      value: results,
    }),
  })) as Array<{ id?: string }>;
  return (await s.storage.conversations.handoffs()).find((x) => x.userId === userId)?.id ?? String(h);
}

/** One wrong phone-digit answer for a ticket number, from a conversation of its own. */
async function wrongDigits(s: StoreUnderTest, reference: string, now: number): Promise<void> {
  const c = { id: `conv-guess-${now}`, channel: 'web' as const, userId: `guess-${now}`, state: initialState(), updatedAt: now };
  await s.storage.conversations.commitTurn({
    conversation: c,
    actions: [{ type: 'verify_reference', reference, phoneTail: '0000' }],
    incoming: { direction: 'in', text: '0000', intent: null, score: null, modelVersion: 'v1' },
    now,
    finish: (results) => ({ state: c.state, outgoing: [], value: results }),
  });
}

describeStores('privacy store', (s) => {
  it('exports everything held about one citizen, and nothing about others', async () => {
    await history(s, 'u1', NOW);
    await history(s, 'u2', NOW);
    const data = await s.storage.privacy.exportCitizen('web', 'u1', NOW);
    expect(data).toMatchObject({ channel: 'web', userId: 'u1', exportedAt: new Date(NOW).toISOString() });
    expect(data.conversations).toMatchObject([{ id: 'conv-u1', state: { lastIntent: 'complaint' } }]);
    expect(data.messages.map((m) => (m as { text: string }).text)).toEqual(['楼下装修太吵', '已受理']);
    expect(data.messages[0]).toMatchObject({ trace: { stage: 'idle' }, created_at: NOW });
    expect(data.tickets).toMatchObject([{ user_id: 'u1', phone: '13912345678' }]);
    expect(data.handoffs).toHaveLength(1);
    expect(data.appointments).toEqual([]);
  });

  it('forgets a citizen: personal data masked in the records kept', async () => {
    const handoffId = await history(s, 'u1', NOW);
    await s.storage.staff.createUser({ id: 's1', name: '王坐席', role: 'agent', passwordHash: 'x', now: NOW });
    await s.storage.staff.addNote(handoffId, 's1', '回电 13912345678', NOW);
    expect(await s.storage.privacy.forgetCitizen('web', 'u1', NOW + 1)).toEqual({ conversations: 1, messages: 2, anonymised: 2 });
    const [ticket] = await s.storage.conversations.tickets();
    expect(ticket?.description).not.toContain('13912345678');
    expect((await s.storage.staff.handoff(handoffId))?.summary).not.toContain('13912345678');
    expect((await s.storage.staff.notes(handoffId))[0]?.text).not.toContain('13912345678');
  });

  it('erases old conversation text and keeps what analytics count', async () => {
    await history(s, 'old', NOW - 200 * DAY);
    await history(s, 'new', NOW - DAY);
    await s.storage.staff.createUser({ id: 's1', name: '王坐席', role: 'agent', passwordHash: 'x', now: NOW });
    await s.storage.staff.createSession({ tokenHash: 'expired', staffId: 's1', csrfToken: 'c', now: NOW - 2 * DAY, expiresAt: NOW - DAY });
    // A ticket number's count of wrong answers goes once its day-long window has passed.
    await wrongDigits(s, 'T20261203-0001', NOW - DAY);
    await wrongDigits(s, 'T20261203-0002', NOW - DAY + 60_000);
    const oldHandoff = (await s.storage.conversations.handoffs()).find((h) => h.userId === 'old');
    await s.storage.staff.endHandoff({
      handoff: oldHandoff as NonNullable<typeof oldHandoff>,
      staffId: 's1',
      resolution: 'answered',
      state: null,
      message: { author: 'system', staffId: null, text: '会话结束', delivery: 'sent' },
      now: NOW - 200 * DAY + 1000,
    });
    // A failed-login count goes a day after its last failure, unless a pause still runs.
    await s.storage.staff.countLoginFailure('王坐席', '10.0.0.1', NOW - DAY - 1, NOW - 2 * DAY);
    await s.storage.staff.countLoginFailure('王坐席', '10.0.0.2', NOW - DAY - 1, NOW - 2 * DAY);
    await s.storage.staff.pauseLogins('王坐席', '10.0.0.2', NOW + 1);
    await s.storage.staff.countLoginFailure('王坐席', '10.0.0.3', NOW - DAY + 1, NOW - 2 * DAY);
    expect(await s.storage.privacy.purge(NOW - 180 * DAY, IDLE)).toEqual({
      messages: 3,
      notes: 0,
      ratingComments: 0,
      handoffSummaries: 1,
      conversations: 1,
    });
    expect(await s.storage.privacy.purgeExpired(NOW)).toEqual({ deliveries: 1, sessions: 1, proofCounts: 1, loginFailures: 1 });
    expect(await s.storage.staff.findLoginFailures('王坐席', '10.0.0.1')).toBeNull();
    expect(await s.storage.staff.findLoginFailures('王坐席', '10.0.0.2')).not.toBeNull();
    const old = await s.storage.staff.messages('conv-old');
    expect(old.map((m) => [m.text, m.trace, m.intent])).toEqual([
      ['', null, 'complaint'],
      ['', null, null],
      ['', null, null],
    ]);
    expect((await s.storage.staff.messages('conv-new')).map((m) => m.text)).toEqual(['楼下装修太吵', '已受理']);
    expect((await s.storage.conversations.find('web', 'old'))?.state).toEqual(initialState());
    expect((await s.storage.conversations.find('web', 'new'))?.state.lastIntent).toBe('complaint');
    expect(await s.storage.conversations.findDelivery('wx:old')).toBeNull();
    expect(await s.storage.conversations.findDelivery('wx:new')).not.toBeNull();
    expect(await s.storage.privacy.purge(NOW - 180 * DAY, IDLE)).toEqual({
      messages: 0,
      notes: 0,
      ratingComments: 0,
      handoffSummaries: 0,
      conversations: 0,
    });
    expect(await s.storage.privacy.purgeExpired(NOW)).toEqual({ deliveries: 0, sessions: 0, proofCounts: 0, loginFailures: 0 });
  });
});

/** Review store contract: the queue's candidates and label claims, on SQLite and PostgreSQL. */
import { expect, it } from 'vitest';
import type { Action } from '../../../src/core/conversation.js';
import { initialState } from '../../../src/core/conversation.js';
import type { MessageLog } from '../../../src/core/stores.js';
import { describeStores, type StoreUnderTest } from './stores.js';

const NOW = Date.parse('2026-12-04T10:00:00+08:00');

async function say(s: StoreUnderTest, userId: string, m: Partial<MessageLog> & { text: string }, now: number, actions: Action[] = []) {
  const c = { id: `conv-${userId}`, channel: 'web' as const, userId, state: initialState(), updatedAt: now };
  return s.storage.conversations.commitTurn({
    conversation: c,
    actions,
    incoming: { direction: 'in', intent: null, score: null, modelVersion: 'v1', maskedText: m.text, ...m },
    now,
    finish: (results) => ({ state: c.state, outgoing: [], value: results }),
  });
}

const QUERY = { since: NOW - 86_400_000, lowConfidence: 0.6, escalationWindowMs: 120_000, limit: 50 };

describeStores('review store', (s) => {
  it('queues fallbacks, unsure answers and messages a handoff followed, with the handoff’s rating', async () => {
    const alt = { alternatives: [{ intent: 'housing_fund', score: 0.4 }], stage: 'idle' };
    await say(s, 'u1', { text: '公积金怎么取', intent: 'housing_fund', score: 0.95, outcome: 'answer', trace: alt }, NOW);
    await say(s, 'u2', { text: '附近有火锅店吗', intent: 'None', score: 0.2, outcome: 'fallback', trace: alt }, NOW + 1);
    await say(s, 'u3', { text: '居住证续签要啥', intent: 'residence_permit', score: 0.4, outcome: 'answer', trace: alt }, NOW + 2);
    await say(s, 'u4', { text: '浦东', intent: 'None', score: 0.1, outcome: 'slot_prompt', trace: { stage: 'form' } }, NOW + 3);
    await say(
      s,
      'u5',
      { text: '按钮', intent: 'greeting', score: 1, outcome: 'answer', trace: { stage: 'idle', chosen: 'greeting' } },
      NOW + 4,
    );
    await say(
      s,
      'u6',
      { text: '你们太慢了 13912345678', intent: 'complaint', score: 0.9, outcome: 'answer', maskedText: '你们太慢了 139****5678' },
      NOW + 5,
    );
    const [h] = (await say(s, 'u6', { text: '转人工', intent: 'human', score: 0.99, outcome: 'escalation' }, NOW + 60_000, [
      { type: 'request_handoff', reason: 'anger', priority: 'high', summary: '慢' },
    ])) as Array<{ id: string }>;
    await say(s, 'u6', { text: '1', outcome: 'rated' }, NOW + 90_000, [
      { type: 'record_rating', handoffId: h?.id ?? '', level: 1, comment: null },
    ]);
    const queue = await s.storage.review.candidates(QUERY);
    expect(queue.map((c) => [c.text, c.reasons])).toEqual([
      ['转人工', ['escalated', 'bad_rating']],
      ['你们太慢了 139****5678', ['escalated', 'bad_rating']],
      ['居住证续签要啥', ['low_confidence']],
      ['附近有火锅店吗', ['fallback']],
    ]);
    expect(queue[2]).toMatchObject({
      intent: 'residence_permit',
      score: 0.4,
      alternatives: alt.alternatives,
      modelVersion: 'v1',
      escalation: null,
      rating: null,
    });
    expect(queue[1]).toMatchObject({ escalation: 'anger', rating: 1 });
    expect(await s.storage.review.candidates({ ...QUERY, limit: 1 })).toHaveLength(1);
    expect(await s.storage.review.candidates({ ...QUERY, since: NOW + 10 })).toHaveLength(1);
  });

  it('claims a group’s texts once: a claim touching a labelled text records nothing', async () => {
    const review = s.storage.review;
    const claim = (groupKey: string, textKeys: string[]) =>
      review.claim({ groupKey, textKeys, label: 'housing_fund', staffId: null, by: '维护员', now: NOW });
    expect(await claim('g1', ['a', 'b', 'b'])).toBe(true);
    expect(await claim('g2', ['c', 'b'])).toBe(false);
    expect(await review.labelledKeys()).toEqual(new Set(['a', 'b']));
    const raced = await Promise.all([claim('g3', ['x', 'y']), claim('g4', ['y', 'z'])]);
    expect(raced.filter(Boolean)).toHaveLength(1);
    await review.release('g1');
    expect([...(await review.labelledKeys())].sort()).toEqual(raced[0] ? ['x', 'y'] : ['y', 'z']);
  });
});

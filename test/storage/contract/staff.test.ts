/**
 * Staff store contract: accounts, sessions, the audit log and the handoff
 * desk's queries behave alike on SQLite and PostgreSQL.
 */
import { expect, it } from 'vitest';
import { initialState } from '../../../src/core/conversation.js';
import type { StaffStore } from '../../../src/core/staff.js';
import type { HandoffRecord } from '../../../src/core/stores.js';
import { describeStores, type StoreUnderTest } from './stores.js';

const NOW = Date.parse('2026-12-04T10:00:00+08:00');
const DAY = 86_400_000;

async function handoff(s: StoreUnderTest, userId: string, now = NOW, channel: 'web' | 'wechat-oa' = 'web'): Promise<HandoffRecord> {
  const c = { id: `conv-${userId}`, channel, userId, state: initialState(), updatedAt: now };
  const [made] = (await s.storage.conversations.commitTurn({
    conversation: c,
    actions: [{ type: 'request_handoff', reason: 'asked_for_human', priority: 'normal', summary: `${userId} 想找人工` }],
    incoming: { direction: 'in', text: '转人工', intent: 'human', score: 0.9, modelVersion: 'v1' },
    now,
    finish: (results) => ({ state: { ...c.state, status: 'handoff' }, outgoing: [], value: results }),
  })) as Array<{ id: string }>;
  const h = await s.storage.staff.handoff(made?.id ?? '');
  if (!h) throw new Error('handoff not stored');
  return h;
}

async function users(staff: StaffStore): Promise<void> {
  await staff.createUser({ id: 's1', name: '王坐席', role: 'agent', passwordHash: 'hash-1', now: NOW });
  await staff.createUser({ id: 's2', name: '李坐席', role: 'agent', passwordHash: 'hash-2', now: NOW });
  await staff.createUser({ id: 'a1', name: '管理员', role: 'admin', passwordHash: 'hash-3', now: NOW });
}

describeStores('staff store', (s) => {
  const staff = () => s.storage.staff;

  it('keeps accounts, each name once', async () => {
    await users(staff());
    expect(await staff().findUser('s1')).toEqual({ id: 's1', name: '王坐席', role: 'agent' });
    expect(await staff().findAccountByName('王坐席')).toEqual({
      id: 's1',
      name: '王坐席',
      role: 'agent',
      passwordHash: 'hash-1',
      disabled: false,
    });
    expect((await staff().listUsers()).map((u) => [u.name, u.disabled])).toEqual([
      ['李坐席', false],
      ['王坐席', false],
      ['管理员', false],
    ]);
    await expect(staff().createUser({ id: 's9', name: '王坐席', role: 'agent', passwordHash: 'x', now: NOW })).rejects.toThrow();
  });

  it('counts failed logins per name and source, for names that exist or not', async () => {
    const resetBefore = NOW - DAY;
    expect(await staff().countLoginFailure('王坐席', '10.0.0.1', NOW, resetBefore)).toBe(1);
    expect(await staff().countLoginFailure('王坐席', '10.0.0.1', NOW + 1, resetBefore)).toBe(2);
    expect(await staff().countLoginFailure('王坐席', '10.0.0.2', NOW, resetBefore)).toBe(1);
    expect(await staff().countLoginFailure('nobody', '10.0.0.1', NOW, resetBefore)).toBe(1);
    expect(await staff().findLoginFailures('王坐席', '10.0.0.1')).toEqual({ failures: 2, pausedUntil: 0 });
    expect(await staff().findLoginFailures('王坐席', '10.0.0.3')).toBeNull();
    // Instances of a fleet fail at once: every failure counts, none twice.
    const counts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => staff().countLoginFailure('李坐席', '10.0.0.9', NOW + i, resetBefore)),
    );
    expect(counts.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('pauses a name from one source, never shortening a longer pause, and clears on request', async () => {
    await staff().countLoginFailure('王坐席', '10.0.0.1', NOW, NOW - DAY);
    await staff().countLoginFailure('王坐席', '10.0.0.2', NOW, NOW - DAY);
    await staff().pauseLogins('王坐席', '10.0.0.1', NOW + 60_000);
    await staff().pauseLogins('王坐席', '10.0.0.1', NOW + 30_000);
    expect(await staff().findLoginFailures('王坐席', '10.0.0.1')).toEqual({ failures: 1, pausedUntil: NOW + 60_000 });
    expect(await staff().pausedLoginNames(NOW)).toEqual(['王坐席']);
    expect(await staff().pausedLoginNames(NOW + 60_000)).toEqual([]);
    await staff().clearLoginFailures('王坐席', '10.0.0.2');
    expect(await staff().findLoginFailures('王坐席', '10.0.0.2')).toBeNull();
    expect(await staff().findLoginFailures('王坐席', '10.0.0.1')).not.toBeNull();
    await staff().clearLoginFailures('王坐席');
    expect(await staff().findLoginFailures('王坐席', '10.0.0.1')).toBeNull();
  });

  it('starts a count again after a quiet day, but not while a pause runs', async () => {
    const at = (t: number) => staff().countLoginFailure('王坐席', '10.0.0.1', t, t - DAY);
    await at(NOW);
    expect(await at(NOW + DAY + 1)).toBe(1);
    await staff().pauseLogins('王坐席', '10.0.0.1', NOW + 5 * DAY);
    expect(await at(NOW + 3 * DAY)).toBe(2);
  });

  it('ends sessions when an account is disabled or its password changes, and expires them', async () => {
    await users(staff());
    const session = (tokenHash: string, staffId: string, expiresAt = NOW + 3_600_000) =>
      staff().createSession({ tokenHash, staffId, csrfToken: `csrf-${tokenHash}`, now: NOW, expiresAt });
    await session('t1', 's1');
    await session('t2', 's2');
    expect(await staff().findSession('t1', NOW)).toEqual({ user: { id: 's1', name: '王坐席', role: 'agent' }, csrfToken: 'csrf-t1' });
    expect(await staff().findSession('t1', NOW + 3_600_000)).toBeNull();
    expect(await staff().updateUser('s1', { disabled: true })).toBe(true);
    expect(await staff().findSession('t1', NOW)).toBeNull();
    expect((await staff().findAccountByName('王坐席'))?.disabled).toBe(true);
    expect(await staff().updateUser('s2', { passwordHash: 'new' })).toBe(true);
    expect(await staff().findSession('t2', NOW)).toBeNull();
    expect(await staff().updateUser('nobody', { disabled: true })).toBe(false);
    await session('t3', 'a1');
    await staff().deleteSession('t3');
    expect(await staff().findSession('t3', NOW)).toBeNull();
  });

  it('keeps the audit log newest first with its details', async () => {
    await users(staff());
    await staff().audit({ staffId: 's1', action: 'login', now: NOW });
    await staff().audit({ staffId: 'a1', action: 'user_disable', target: 's2', details: { reason: '离职' }, now: NOW + 1 });
    await staff().audit({ staffId: null, action: 'cli_purge', now: NOW + 2 });
    const log = await staff().auditLog(2);
    expect(log.map((e) => [e.action, e.staffName, e.target, e.details, e.at])).toEqual([
      ['cli_purge', null, null, null, NOW + 2],
      ['user_disable', '管理员', 's2', { reason: '离职' }, NOW + 1],
    ]);
    expect(typeof log[0]?.id).toBe('number');
  });

  it('lets exactly one of several simultaneous claims win, and releases and transfers by the holder', async () => {
    await users(staff());
    const h = await handoff(s, 'u1');
    const claims = await Promise.all([
      staff().claim(h.id, 's1', NOW + 1),
      staff().claim(h.id, 's2', NOW + 1),
      staff().claim(h.id, 'a1', NOW + 1),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const holder = (await staff().handoff(h.id))?.claimedBy ?? '';
    const other = holder === 's1' ? 's2' : 's1';
    expect(await staff().release(h.id, other, false, NOW + 2)).toBe(false);
    expect(await staff().transfer(h.id, holder, other, false, NOW + 3)).toBe(true);
    expect((await staff().handoff(h.id))?.claimedBy).toBe(other);
    expect(await staff().release(h.id, 'a1', true, NOW + 4)).toBe(true);
    expect(await staff().handoff(h.id)).toMatchObject({ status: 'queued', claimedBy: null, claimedAt: null, lastActivityAt: NOW + 4 });
    expect((await staff().openHandoffs()).map((o) => o.id)).toEqual([h.id]);
  });

  it('records staff replies with the first response time, and hands web replies to the citizen once', async () => {
    await users(staff());
    const h = await handoff(s, 'u1');
    await staff().claim(h.id, 's1', NOW + 1000);
    const first = await staff().addStaffMessage(h, { author: 'staff', staffId: 's1', text: '您好，请讲', delivery: 'pending' }, NOW + 2000);
    await staff().addStaffMessage(h, { author: 'staff', staffId: 's1', text: '还在吗', delivery: 'pending' }, NOW + 9000);
    expect((await staff().handoff(h.id))?.firstResponseAt).toBe(NOW + 2000);
    expect(await staff().message(first)).toMatchObject({
      conversationId: 'conv-u1',
      author: 'staff',
      staffName: '王坐席',
      delivery: 'pending',
    });
    const taken = await staff().takeForCitizen('web', 'u1', 0);
    expect(taken.messages.map((m) => m.text)).toEqual(['您好，请讲', '还在吗']);
    expect(taken.delivered).toEqual([h.id]);
    const again = await staff().takeForCitizen('web', 'u1', 0);
    expect(again.messages).toHaveLength(2);
    expect(again.delivered).toEqual([]);
    expect((await staff().takeForCitizen('web', 'u1', first)).messages.map((m) => m.text)).toEqual(['还在吗']);
    expect((await staff().messages('conv-u1')).map((m) => [m.author, m.delivery])).toEqual([
      ['citizen', null],
      ['staff', 'sent'],
      ['staff', 'sent'],
    ]);
  });

  it('lists held and failed replies oldest first with their handoff', async () => {
    await users(staff());
    const h = await handoff(s, 'u1', NOW, 'wechat-oa');
    const held = await staff().addStaffMessage(h, { author: 'staff', staffId: 's1', text: '一', delivery: 'held' }, NOW + 1);
    const failed = await staff().addStaffMessage(h, { author: 'staff', staffId: 's1', text: '二', delivery: 'sent' }, NOW + 2);
    await staff().setDelivery(failed, 'failed', 'errcode 45015');
    expect(await staff().undelivered('conv-u1')).toEqual([
      { id: held, text: '一', delivery: 'held', handoffId: h.id },
      { id: failed, text: '二', delivery: 'failed', handoffId: h.id },
    ]);
    expect((await staff().message(failed))?.deliveryError).toBe('errcode 45015');
  });

  it('ends a handoff once, with the next state and the message to the citizen', async () => {
    await users(staff());
    const h = await handoff(s, 'u1');
    const end = () =>
      staff().endHandoff({
        handoff: h,
        staffId: 's1',
        resolution: 'answered',
        state: { ...initialState(), status: 'rating', ratingFor: h.id },
        message: { author: 'system', staffId: null, text: '请评价', delivery: 'pending' },
        now: NOW + 60_000,
      });
    const ended = await end();
    expect(ended?.messageId).toEqual(expect.any(Number));
    expect(await end()).toBeNull();
    expect(await staff().handoff(h.id)).toMatchObject({ status: 'closed', closedAt: NOW + 60_000, resolution: 'answered' });
    expect((await s.storage.conversations.find('web', 'u1'))?.state).toMatchObject({ status: 'rating', ratingFor: h.id });
    expect((await staff().recentlyClosed(5)).map((c) => c.id)).toEqual([h.id]);
    expect(await staff().openHandoffs()).toEqual([]);
  });

  it('finds idle handoffs and turns one into a callback ticket once', async () => {
    const old = await handoff(s, 'u1', NOW);
    await handoff(s, 'u2', NOW + 3_600_000);
    expect((await staff().idleHandoffs(NOW + 1_800_000)).map((h) => h.id)).toEqual([old.id]);
    const reference = await staff().convertToCallback(old, '市民来电要求回电', NOW + 10);
    expect(reference).toBe('T20261204-0001');
    const converted = await staff().handoff(old.id);
    expect(converted).toMatchObject({ status: 'callback', callbackReference: reference });
    expect(await staff().convertToCallback(converted as HandoffRecord, '再来一次', NOW + 20)).toBe(reference);
    expect(await s.storage.conversations.tickets()).toMatchObject([
      { reference, kind: 'callback', userId: 'u1', description: '市民来电要求回电' },
    ]);
  });

  it('keeps notes, canned replies and the handoff’s rating', async () => {
    await users(staff());
    const h = await handoff(s, 'u1');
    const note = await staff().addNote(h.id, 's1', '市民情绪激动', NOW);
    expect(note).toEqual({ id: expect.any(Number), staffName: '王坐席', text: '市民情绪激动', at: NOW });
    expect(await staff().notes(h.id)).toEqual([note]);
    const b = await staff().addCannedReply('问候', '您好，请问有什么可以帮您？', NOW);
    const a = await staff().addCannedReply('结束', '感谢来电', NOW);
    expect((await staff().cannedReplies()).map((c) => c.title)).toEqual(['结束', '问候'].sort());
    expect(await staff().deleteCannedReply(b.id)).toBe(true);
    expect(await staff().deleteCannedReply(b.id)).toBe(false);
    expect(await staff().cannedReplies()).toEqual([a]);
    expect(await staff().rating(h.id)).toBeNull();
    await s.storage.conversations.commitTurn({
      conversation: { id: 'conv-u1', channel: 'web', userId: 'u1', state: initialState(), updatedAt: NOW },
      actions: [{ type: 'record_rating', handoffId: h.id, level: 4, comment: '不错' }],
      incoming: { direction: 'in', text: '4', intent: null, score: null, modelVersion: null },
      now: NOW,
      finish: () => ({ state: initialState(), outgoing: [], value: null }),
    });
    expect(await staff().rating(h.id)).toEqual({ level: 4, comment: '不错' });
  });
});

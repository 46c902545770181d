/**
 * Human handoff through the public surface: the citizen's web chat API and
 * the staff API, on the real app with the shipped model.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { poll, say, staffMember } from '../helpers/staff.js';

let now = Date.parse('2026-11-25T10:00:00+08:00');
const clock = () => new Date(now);
let t: TestApp;

beforeEach(async () => {
  now = Date.parse('2026-11-25T10:00:00+08:00');
  t = await startApp({ clock });
});
afterEach(async () => t.close());

async function escalate(userId: string) {
  await say(t, userId, '居住证怎么续签');
  const turn = await say(t, userId, '转人工');
  const created = turn.events.find((e) => e.type === 'handoff.requested');
  if (!created) throw new Error('no handoff');
  return created.id;
}

describe('a handed-off web conversation', () => {
  it('goes from queue to claim, reply, close and rating, and every step is on record', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    const id = await escalate('citizen-1');

    const queue = (await agent.get('/api/staff/queue')).json();
    expect(queue.counts.queued).toBe(1);
    expect(queue.handoffs[0]).toMatchObject({ id, status: 'queued', reason: 'asked_for_human', reasonLabel: '市民要求转人工' });

    // While queued the assistant answers nothing itself but says where the citizen stands.
    const waiting = await say(t, 'citizen-1', '我的居住证下个月到期，材料有哪些');
    expect(waiting.replies.map((r) => r.text).join('')).toContain('排队第 1 位');
    expect(waiting.replies.map((r) => r.text).join('')).not.toContain('居住证');

    expect((await agent.post(`/api/staff/handoffs/${id}/claim`)).statusCode).toBe(200);
    const view = (await agent.get(`/api/staff/handoffs/${id}`)).json();
    const citizenLines = view.messages.filter((m: { author: string }) => m.author === 'citizen');
    expect(citizenLines.map((m: { text: string }) => m.text)).toEqual(['居住证怎么续签', '转人工', '我的居住证下个月到期，材料有哪些']);
    expect(citizenLines[0].understanding).toMatchObject({ intent: 'residence_permit', outcome: 'answer' });
    expect(citizenLines[0].understanding.score).toBeGreaterThan(0.5);
    expect(view.messages.some((m: { author: string }) => m.author === 'assistant')).toBe(true);

    // Once claimed, the assistant stays silent and forwards.
    expect((await say(t, 'citizen-1', '你好，在吗')).replies).toEqual([]);

    const sent = (await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '您好，我是张敏，续签需要身份证和居住登记凭证。' })).json();
    expect(sent.message).toMatchObject({ author: 'staff', staffName: 'zhangmin', delivery: 'pending' });
    const inbox = await poll(t, 'citizen-1');
    expect(inbox.messages.map((m) => m.text)).toEqual(['您好，我是张敏，续签需要身份证和居住登记凭证。']);
    // Fetched means delivered; the next poll from the cursor is empty.
    expect((await poll(t, 'citizen-1', inbox.cursor)).messages).toEqual([]);
    const delivered = (await agent.get(`/api/staff/handoffs/${id}`)).json();
    expect(delivered.messages.find((m: { author: string }) => m.author === 'staff').delivery).toBe('sent');

    expect((await agent.post(`/api/staff/handoffs/${id}/close`, { resolution: 'answered' })).json().handoff.status).toBe('closed');
    const prompt = await poll(t, 'citizen-1', inbox.cursor);
    expect(prompt.messages[0]?.text).toContain('非常满意');

    const rated = await say(t, 'citizen-1', '5 很耐心，谢谢');
    expect(rated.replies[0]?.text).toContain('感谢您的评价（非常满意）');
    expect(await t.store.ratings()).toMatchObject([{ handoffId: id, level: 5, comment: '很耐心，谢谢', followUpReference: null }]);
    expect((await t.store.handoffs())[0]).toMatchObject({ status: 'closed', resolution: 'answered' });
    expect((await t.store.handoffs())[0]?.firstResponseAt).toBe(now);

    const actions = (await t.staff.auditLog(50)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['login', 'claim', 'reply', 'close']));
    // Back with the assistant.
    expect((await say(t, 'citizen-1', '居住证怎么续签')).conversation.state).toBe('idle');
  });

  it('opens a follow-up ticket when the citizen is not satisfied', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    const id = await escalate('citizen-2');
    await agent.post(`/api/staff/handoffs/${id}/claim`);
    await agent.post(`/api/staff/handoffs/${id}/close`, { resolution: 'referred' });
    const rated = await say(t, 'citizen-2', '不满意，问题根本没解决');
    expect(rated.replies[0]?.text).toMatch(/回访工单 T20261125-\d{4}/);
    const [rating] = await t.store.ratings();
    expect(rating).toMatchObject({ level: 2, comment: '问题根本没解决' });
    const followUp = (await t.store.tickets()).find((x) => x.kind === 'follow_up');
    expect(followUp?.reference).toBe(rating?.followUpReference);
    expect(followUp?.description).toContain('问题根本没解决');
  });

  it('lets the citizen skip the rating and carry on', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    const id = await escalate('citizen-3');
    await agent.post(`/api/staff/handoffs/${id}/claim`);
    await agent.post(`/api/staff/handoffs/${id}/close`, { resolution: 'answered' });
    const turn = await say(t, 'citizen-3', '公积金怎么提取');
    expect(turn.conversation.state).not.toBe('rating');
    expect(turn.replies[0]?.text).toContain('公积金');
    expect(await t.store.ratings()).toEqual([]);
  });

  it('returns the citizen to the assistant on 不用了, and closes the handoff', async () => {
    const id = await escalate('citizen-4');
    const left = await say(t, 'citizen-4', '不用了');
    expect(left.replies[0]?.text).toContain('已取消人工服务');
    expect(left.conversation.state).toBe('idle');
    expect((await t.store.handoffs()).find((h) => h.id === id)).toMatchObject({ status: 'closed', resolution: 'citizen_left' });
  });

  it('gives an idle handoff back to the assistant and tells the citizen', async () => {
    await staffMember(t, 'zhangmin', 'agent');
    const id = await escalate('citizen-5');
    now += 29 * 60_000;
    expect(await t.desk.sweepIdle()).toBe(0);
    now += 2 * 60_000;
    expect(await t.desk.sweepIdle()).toBe(1);
    expect((await t.store.handoffs()).find((h) => h.id === id)).toMatchObject({ status: 'closed', resolution: 'idle_timeout' });
    expect((await poll(t, 'citizen-5')).messages[0]?.text).toContain('由智能助手继续为您服务');
    const back = await say(t, 'citizen-5', '公积金怎么提取');
    expect(back.conversation.state).not.toBe('handoff');
    expect(back.replies[0]?.text).toContain('公积金');
  });
});

describe('a restart', () => {
  it('keeps every queued and claimed handoff, the staff reply not yet fetched, and the staff session', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    const queued = await escalate('restart-1');
    const claimed = await escalate('restart-2');
    await agent.post(`/api/staff/handoffs/${claimed}/claim`);
    await agent.post(`/api/staff/handoffs/${claimed}/reply`, { text: '重启前写的回复' });
    await say(t, 'restart-1', '还在排队吗');
    const dbFile = t.dbFile;
    await t.close();
    t = await startApp({ clock, dbFile });

    const headers = { cookie: `wz_session=${agent.cookie}`, 'x-csrf-token': agent.csrf };
    const queue = (await t.app.inject({ method: 'GET', url: '/api/staff/queue', headers })).json();
    expect(
      queue.handoffs.filter((h: { status: string }) => h.status !== 'closed').map((h: { id: string; status: string }) => [h.id, h.status]),
    ).toEqual(
      expect.arrayContaining([
        [queued, 'queued'],
        [claimed, 'claimed'],
      ]),
    );
    expect((await poll(t, 'restart-2')).messages.map((m) => m.text)).toEqual(['重启前写的回复']);
    const view = (await t.app.inject({ method: 'GET', url: `/api/staff/handoffs/${queued}`, headers })).json();
    expect(view.messages.map((m: { text: string }) => m.text)).toContain('还在排队吗');
    // The conversation is still with a person after the restart.
    expect((await say(t, 'restart-2', '谢谢')).conversation.state).toBe('handoff');
  });
});

describe('claiming', () => {
  it('gives a handoff to exactly one of two agents clicking at once', async () => {
    const a = await staffMember(t, 'agent-a', 'agent');
    const b = await staffMember(t, 'agent-b', 'agent');
    const id = await escalate('citizen-6');
    const results = await Promise.all([a.post(`/api/staff/handoffs/${id}/claim`), b.post(`/api/staff/handoffs/${id}/claim`)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.statusCode === 409)?.json().error.code).toBe('ALREADY_CLAIMED');
    expect((await t.store.handoffs())[0]?.claimedBy).toBe(results[0]?.statusCode === 200 ? a.id : b.id);
  });

  it('lets the holder transfer or release, and keeps other agents out of a held conversation', async () => {
    const a = await staffMember(t, 'agent-a', 'agent');
    const b = await staffMember(t, 'agent-b', 'agent');
    const id = await escalate('citizen-7');
    await a.post(`/api/staff/handoffs/${id}/claim`);
    // A crafted id or someone else's conversation gives nothing away.
    expect((await b.get(`/api/staff/handoffs/${id}`)).json().error.code).toBe('FORBIDDEN');
    expect((await b.post(`/api/staff/handoffs/${id}/reply`, { text: '我来' })).statusCode).toBe(403);
    expect((await b.get('/api/staff/handoffs/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
    const transferred = (await a.post(`/api/staff/handoffs/${id}/transfer`, { toStaffId: b.id })).json();
    expect(transferred.handoff.claimedBy).toMatchObject({ id: b.id, name: 'agent-b' });
    expect((await a.post(`/api/staff/handoffs/${id}/reply`, { text: '还是我' })).statusCode).toBe(403);
    expect((await b.post(`/api/staff/handoffs/${id}/release`)).json().handoff.status).toBe('queued');
    expect((await t.staff.auditLog(20)).map((e) => e.action)).toEqual(expect.arrayContaining(['transfer', 'release']));
  });
});

describe('staff security', () => {
  it('refuses a state change without the session CSRF token', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    const id = await escalate('citizen-8');
    for (const headers of [{ cookie: `wz_session=${agent.cookie}` }, { cookie: `wz_session=${agent.cookie}`, 'x-csrf-token': 'forged' }]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/staff/handoffs/${id}/claim`, headers });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('CSRF_REJECTED');
    }
    expect((await t.store.handoffs())[0]?.status).toBe('queued');
  });

  it('checks roles on the server: an agent calling an admin API gets 403', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    const admin = await staffMember(t, 'boss', 'admin');
    expect((await agent.get('/api/staff/users')).statusCode).toBe(403);
    expect((await agent.get('/api/staff/audit')).statusCode).toBe(403);
    expect((await agent.post('/api/staff/canned', { title: '问候', text: '您好' })).json().error.code).toBe('FORBIDDEN');
    expect((await agent.post('/api/staff/users', { name: 'x2', role: 'admin', password: 'long-enough-pw' })).statusCode).toBe(403);
    expect((await admin.post('/api/staff/canned', { title: '问候', text: '您好，请问有什么可以帮您？' })).statusCode).toBe(200);
    expect((await agent.get('/api/staff/canned')).json().replies).toMatchObject([{ title: '问候' }]);
    expect((await admin.get('/api/staff/users')).json().users.map((u: { name: string }) => u.name)).toEqual(['boss', 'zhangmin']);
    // Without a session at all.
    expect((await t.app.inject({ method: 'GET', url: '/api/staff/queue' })).json().error.code).toBe('UNAUTHENTICATED');
  });

  it('lets an admin unlock, reset and disable accounts; disabling ends the sessions at once', async () => {
    const admin = await staffMember(t, 'boss', 'admin');
    const agent = await staffMember(t, 'zhangmin', 'agent');
    const attempt = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/staff/login', payload: { name: 'zhangmin', password } });
    for (let i = 0; i < 5; i++) await attempt('wrong-password');
    // (Logins are also limited to 10 a minute per IP; this test stays within it.)
    expect((await admin.get('/api/staff/users')).json().users.find((u: { id: string }) => u.id === agent.id)).toMatchObject({
      locked: true,
    });
    expect((await admin.post(`/api/staff/users/${agent.id}`, { unlock: true })).json().user).toMatchObject({ locked: false });
    expect((await attempt('zhangmin-password-1')).statusCode).toBe(200);
    expect((await admin.post(`/api/staff/users/${agent.id}`, { password: 'a-new-password-2' })).statusCode).toBe(200);
    expect((await attempt('a-new-password-2')).statusCode).toBe(200);
    expect((await admin.post(`/api/staff/users/${agent.id}`, { disabled: true })).json().user).toMatchObject({ disabled: true });
    expect((await agent.get('/api/staff/queue')).statusCode).toBe(401);
    expect((await attempt('a-new-password-2')).statusCode).toBe(401);
    expect((await agent.post(`/api/staff/users/${admin.id}`, { disabled: true })).statusCode).toBe(401);
    expect((await t.staff.auditLog(50)).filter((e) => e.action === 'user_change')).toHaveLength(3);
  });

  it('pauses logins after repeated failures, even with the right password, then lets them in again', async () => {
    await staffMember(t, 'zhangmin', 'agent');
    const attempt = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/staff/login', payload: { name: 'zhangmin', password } });
    for (let i = 0; i < 4; i++) expect((await attempt('wrong-password')).json().error.code).toBe('BAD_CREDENTIALS');
    const fifth = await attempt('wrong-password');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().error).toMatchObject({ code: 'LOGIN_THROTTLED', details: { retryAfterSeconds: 15 * 60 } });
    expect((await attempt('zhangmin-password-1')).statusCode).toBe(429);
    now += 16 * 60_000;
    expect((await attempt('zhangmin-password-1')).statusCode).toBe(200);
    expect((await t.staff.auditLog(20)).map((e) => e.action)).toContain('login_paused');
  });

  it('sets an httpOnly SameSite=Strict cookie, and logout ends the session', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/staff/login',
      payload: { name: 'zhangmin', password: 'zhangmin-password-1' },
    });
    const cookie = res.cookies.find((c) => c.name === 'wz_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect((await agent.post('/api/staff/logout')).statusCode).toBe(204);
    expect((await agent.get('/api/staff/queue')).statusCode).toBe(401);
  });

  it('shows personal data masked until a staff member reveals it, and audits the reveal', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    const id = await escalate('citizen-9');
    await agent.post(`/api/staff/handoffs/${id}/claim`);
    await say(t, 'citizen-9', '我的手机是13812345678，身份证310101199001011234');
    const view = (await agent.get(`/api/staff/handoffs/${id}`)).json();
    const last = view.messages.filter((m: { author: string }) => m.author === 'citizen').at(-1);
    expect(last.masked).toBe(true);
    expect(last.text).not.toContain('13812345678');
    const revealed = (await agent.post(`/api/staff/handoffs/${id}/messages/${last.id}/reveal`)).json();
    expect(revealed.text).toContain('13812345678');
    expect((await t.staff.auditLog(5)).map((e) => e.action)).toContain('reveal');
  });
});

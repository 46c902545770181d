/**
 * Ticket work through the public surface (web chat API, staff API): dispatch
 * on filing, who may see and change which ticket, the lifecycle, and the
 * citizen hearing back. The dispatch model here is a keyword stand-in
 * (test/helpers/keyword-dispatch.ts): these tests are about tickets; the
 * real model's dispatch is tested in test/e2e/dispatch.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { CollectedCorrections, KeywordDispatch } from '../helpers/keyword-dispatch.js';
import { fileComplaint, poll, type StaffClient, say, staffMember } from '../helpers/staff.js';

let now = 0;
const clock = () => new Date(now);
let t: TestApp;
let model: KeywordDispatch;
let corrections: CollectedCorrections;

beforeEach(async () => {
  // A Wednesday.
  now = Date.parse('2026-11-25T10:00:00+08:00');
  model = new KeywordDispatch({ 油烟: 'urban_management', 公交: 'transport', 物业: 'housing' });
  corrections = new CollectedCorrections();
  t = await startApp({
    clock,
    env: { STAFF_SESSION_HOURS: '1000' },
    dispatch: { classifier: () => model, corrections: () => corrections },
  });
});
afterEach(async () => t.close());

/** Files a complaint through the web chat's form; returns its reference once it has been dispatched. */
async function complain(userId: string, text: string): Promise<string> {
  const reference = await fileComplaint(t, userId, text);
  await vi.waitFor(async () =>
    expect((await t.tickets.list(admin, {})).tickets.find((x) => x.reference === reference)?.dispatch.state).not.toBe('pending'),
  );
  return reference;
}
const admin = { id: 'system-test', name: 'test', role: 'admin' as const };

async function agentOf(name: string, departments: string[], boss: StaffClient): Promise<StaffClient> {
  const agent = await staffMember(t, name, 'agent');
  const res = await boss.post(`/api/staff/users/${agent.id}/departments`, { departments });
  expect(res.statusCode).toBe(200);
  return agent;
}

describe('dispatch on filing', () => {
  it('stores the predicted department, its score, the alternatives and the model version with the ticket', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const ref = await complain('c-oil', '我要投诉楼下饭店油烟太大了，每天晚上熏得窗户都打不开');
    const { ticket, history } = (await boss.get(`/api/staff/tickets/${ref}`)).json();
    expect(ticket).toMatchObject({
      reference: ref,
      kind: 'complaint',
      status: 'open',
      statusLabel: '已受理',
      department: { id: 'urban_management', name: '区城市管理行政执法局（城管执法）' },
      departmentBy: 'model',
      dispatch: { state: 'done', predicted: { id: 'urban_management' }, score: 0.9, modelVersion: 'kw-1' },
    });
    expect(ticket.dispatch.alternatives[0]).toMatchObject({ id: 'urban_management', score: 0.9 });
    expect(ticket.dispatch.alternatives).toHaveLength(3);
    expect(history).toMatchObject([{ type: 'dispatch', to: 'urban_management', toName: '区城市管理行政执法局（城管执法）' }]);
  });

  it('leaves a ticket the model is unsure of in 待分派, with what it said', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const ref = await complain('c-vague', '我要投诉这件事一直没人管，太让人失望了');
    const { ticket } = (await boss.get(`/api/staff/tickets/${ref}`)).json();
    expect(ticket).toMatchObject({ department: null, departmentBy: null, dispatch: { state: 'done', predicted: null, score: 0.2 } });
    const queue = (await boss.get('/api/staff/tickets?department=unassigned')).json();
    expect(queue.tickets.map((x: { reference: string }) => x.reference)).toEqual([ref]);
  });

  it('files the ticket and answers the citizen when the model fails; the ticket waits in 待分派', async () => {
    model.failing = true;
    const boss = await staffMember(t, 'boss', 'admin');
    const ref = await complain('c-broken', '我要投诉小区物业不作为，电梯坏了一个月');
    const { ticket } = (await boss.get(`/api/staff/tickets/${ref}`)).json();
    expect(ticket).toMatchObject({ department: null, dispatch: { state: 'failed' }, status: 'open' });
    expect(model.calls).toBeGreaterThan(0);
  });

  it('dispatches tickets a restart left pending (the sweep)', async () => {
    // A ticket still pending, as after a crash between the turn's commit and its dispatch
    // (or one filed before dispatch existed), is picked up by the sweep.
    const ref = 'T20261125-0099';
    const db = (await import('better-sqlite3')).default(t.dbFile);
    db.prepare(
      `INSERT INTO tickets (reference, conversation_id, kind, channel, user_id, description, status, created_at, updated_at)
       VALUES (?, 'c', 'suggestion', 'web', 'u', '建议公交站台加装遮阳棚', 'open', ?, ?)`,
    ).run(ref, now, now);
    db.close();
    expect(await t.dispatcher.sweep()).toBe(1);
    const boss = await staffMember(t, 'boss', 'admin');
    expect((await boss.get(`/api/staff/tickets/${ref}`)).json().ticket.department.id).toBe('transport');
    expect(model.calls).toBe(1);
    expect(await t.dispatcher.sweep()).toBe(0);
  });
});

describe('who sees which ticket', () => {
  it('an agent of one department cannot read or change another department’s ticket', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const housing = await agentOf('housing-agent', ['housing'], boss);
    const theirs = await complain('c-1', '我要投诉饭店油烟扰民');
    const mine = await complain('c-2', '我要投诉小区物业不作为');

    const list = (await housing.get('/api/staff/tickets')).json();
    expect(list.tickets.map((x: { reference: string }) => x.reference)).toEqual([mine]);
    // Asking for another department's tickets finds nothing rather than everything.
    expect((await housing.get('/api/staff/tickets?department=urban_management')).json().tickets).toEqual([]);

    expect((await housing.get(`/api/staff/tickets/${theirs}`)).statusCode).toBe(404);
    for (const [url, body] of [
      ['status', { status: 'in_progress' }],
      ['department', { department: 'housing', reason: '抢单' }],
      ['notes', { text: '看看' }],
    ] as const) {
      const res = await housing.post(`/api/staff/tickets/${theirs}/${url}`, body);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const after = (await boss.get(`/api/staff/tickets/${theirs}`)).json();
    expect(after.ticket).toMatchObject({ status: 'open', department: { id: 'urban_management' } });
    expect(after.history.map((e: { type: string }) => e.type)).toEqual(['dispatch']);
    expect((await housing.get(`/api/staff/tickets/${mine}`)).statusCode).toBe(200);
  });

  it('an agent on the hotline desk (no department) works the 待分派 queue; a maintainer sees all', async () => {
    const desk = await staffMember(t, 'desk-agent', 'agent');
    const maintainer = await staffMember(t, 'keeper', 'maintainer');
    const vague = await complain('c-3', '我要投诉这件事没人管');
    const oil = await complain('c-4', '我要投诉饭店油烟扰民');
    expect((await desk.get('/api/staff/tickets')).json().tickets.map((x: { reference: string }) => x.reference)).toEqual([vague]);
    expect((await desk.get(`/api/staff/tickets/${oil}`)).statusCode).toBe(404);
    const all = (await maintainer.get('/api/staff/tickets')).json().tickets.map((x: { reference: string }) => x.reference);
    expect(all.sort()).toEqual([vague, oil].sort());
    // The desk dispatches it by hand; from then on it is that department's.
    const moved = (
      await desk.post(`/api/staff/tickets/${vague}/department`, { department: 'civil_affairs', reason: '居委会工作问题' })
    ).json();
    expect(moved).toMatchObject({ ticket: { department: { id: 'civil_affairs' }, departmentBy: 'staff' }, visible: false });
    expect((await desk.get(`/api/staff/tickets/${vague}`)).statusCode).toBe(404);
  });

  it('an agent needs a session, and a change needs the CSRF token', async () => {
    const ref = await complain('c-5', '我要投诉饭店油烟扰民');
    expect((await t.app.inject({ method: 'GET', url: '/api/staff/tickets' })).statusCode).toBe(401);
    const boss = await staffMember(t, 'boss', 'admin');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/staff/tickets/${ref}/notes`,
      headers: { cookie: `wz_session=${boss.cookie}` },
      payload: { text: 'x' },
    });
    expect(res.json().error.code).toBe('CSRF_REJECTED');
  });
});

describe('changing the department', () => {
  it('is one audited action with a reason, and becomes training data (masked)', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const ref = await complain('c-6', '我要投诉饭店油烟扰民，电话13912345678');
    const missing = await boss.post(`/api/staff/tickets/${ref}/department`, { department: 'ecology_environment', reason: ' ' });
    expect(missing.json().error.code).toBe('REASON_REQUIRED');
    const res = await boss.post(`/api/staff/tickets/${ref}/department`, { department: 'ecology_environment', reason: '工业油烟，归环保' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      correctionRecorded: true,
      ticket: { department: { id: 'ecology_environment' }, departmentBy: 'staff' },
    });
    expect(corrections.recorded).toHaveLength(1);
    expect(corrections.recorded[0]).toMatchObject({ department: 'ecology_environment', by: 'boss', at: now });
    expect(corrections.recorded[0]?.text).toContain('油烟');
    expect(corrections.recorded[0]?.text).not.toContain('13912345678');
    const { ticket, history } = (await boss.get(`/api/staff/tickets/${ref}`)).json();
    // The model's own prediction is kept beside the correction.
    expect(ticket.dispatch.predicted.id).toBe('urban_management');
    expect(history.at(-1)).toMatchObject({
      type: 'department',
      staffName: 'boss',
      from: 'urban_management',
      to: 'ecology_environment',
      text: '工业油烟，归环保',
    });
    const audit = (await t.staff.auditLog(10)).find((e) => e.action === 'ticket_department');
    expect(audit).toMatchObject({ target: ref, details: { from: 'urban_management', to: 'ecology_environment' } });
  });

  it('refuses an unknown department with a 400 naming it, and changes nothing', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const ref = await complain('c-7', '我要投诉饭店油烟扰民');
    const res = await boss.post(`/api/staff/tickets/${ref}/department`, { department: 'ministry_of_magic', reason: '试试' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'UNKNOWN_DEPARTMENT', details: { department: 'ministry_of_magic' } });
    expect(res.json().error.message).toContain('ministry_of_magic');
    expect((await boss.get(`/api/staff/tickets/${ref}`)).json().ticket.department.id).toBe('urban_management');
    expect(corrections.recorded).toEqual([]);
    expect((await boss.get('/api/staff/tickets?department=ministry_of_magic')).json().error.code).toBe('UNKNOWN_DEPARTMENT');
  });
});

describe('the lifecycle and the citizen hearing back', () => {
  it('moves 已受理 → 办理中 → 已办结 with a result; the web citizen hears each step and 进度查询 shows it', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const housing = await agentOf('housing-agent', ['housing'], boss);
    const ref = await complain('c-web', '我要投诉小区物业不作为，楼道灯坏了三个月');
    const cursor = (await poll(t, 'c-web')).cursor;

    const noResult = await housing.post(`/api/staff/tickets/${ref}/status`, { status: 'resolved' });
    expect(noResult.json().error.code).toBe('REASON_REQUIRED');

    const started = (await housing.post(`/api/staff/tickets/${ref}/status`, { status: 'in_progress' })).json();
    expect(started).toMatchObject({ ticket: { status: 'in_progress', statusLabel: '办理中' }, delivery: 'pending' });
    expect((await say(t, 'c-web', `查一下${ref}的进度`)).replies.map((r) => r.text).join('')).toContain(
      '办理中，承办部门：区住房和城乡建设管理委员会',
    );

    now += 2 * 86_400_000;
    const result = '已约谈物业公司，楼道灯已于今日修复，并建立每周巡检。';
    const done = (await housing.post(`/api/staff/tickets/${ref}/status`, { status: 'resolved', text: result })).json();
    expect(done.ticket).toMatchObject({ status: 'resolved', result, resolvedAt: now });

    const heard = await poll(t, 'c-web', cursor);
    expect(heard.messages.map((m) => m.text)).toEqual([
      expect.stringContaining(`${ref}）已由区住房和城乡建设管理委员会开始办理`),
      expect.stringContaining(`办理结果：${result}`),
    ]);
    const reply = (await say(t, 'c-web', `查一下${ref}的进度`)).replies.map((r) => r.text).join('');
    expect(reply).toContain('已办结');
    expect(reply).toContain('办理部门：区住房和城乡建设管理委员会');
    expect(reply).toContain(result);

    const { history } = (await housing.get(`/api/staff/tickets/${ref}`)).json();
    expect(history.map((e: { type: string; to: string | null }) => `${e.type}:${e.to ?? ''}`)).toEqual([
      'dispatch:housing',
      'status:in_progress',
      'message:',
      'status:resolved',
      'message:',
    ]);
    // Both notices reached the citizen's poll, so they are marked sent.
    expect(history.filter((e: { type: string }) => e.type === 'message').map((e: { delivery: string }) => e.delivery)).toEqual([
      'sent',
      'sent',
    ]);
    // Resolved is final.
    expect((await housing.post(`/api/staff/tickets/${ref}/status`, { status: 'in_progress' })).json().error.code).toBe('TICKET_TRANSITION');
  });

  it('returns a ticket with a reason, and tells the citizen why', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const ref = await complain('c-ret', '我要投诉小区物业不作为');
    expect((await boss.post(`/api/staff/tickets/${ref}/status`, { status: 'returned' })).json().error.code).toBe('REASON_REQUIRED');
    await boss.post(`/api/staff/tickets/${ref}/status`, { status: 'returned', text: '属于业主大会自治事项，不属于行政管理范围' });
    expect((await poll(t, 'c-ret')).messages.at(-1)?.text).toContain('已退回，原因：属于业主大会自治事项');
    expect((await say(t, 'c-ret', `查一下${ref}的进度`)).replies.map((r) => r.text).join('')).toContain('已退回');
  });

  it('keeps notes in the history, never sent to the citizen', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const ref = await complain('c-note', '我要投诉小区物业不作为');
    const cursor = (await poll(t, 'c-note')).cursor;
    await boss.post(`/api/staff/tickets/${ref}/notes`, { text: '已电话联系物业经理' });
    expect((await boss.get(`/api/staff/tickets/${ref}`)).json().history.at(-1)).toMatchObject({ type: 'note', text: '已电话联系物业经理' });
    expect((await poll(t, 'c-note', cursor)).messages).toEqual([]);
  });
});

describe('the dashboard', () => {
  it('counts tickets by department, time to result, overdue, and how they were dispatched', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const kept = await complain('d-1', '我要投诉饭店油烟扰民');
    const corrected = await complain('d-2', '我要投诉小区物业乱收费');
    const manual = await complain('d-3', '我要投诉这件事没人管');
    await boss.post(`/api/staff/tickets/${corrected}/department`, { department: 'market_supervision', reason: '乱收费归市场监管' });
    await boss.post(`/api/staff/tickets/${manual}/department`, { department: 'civil_affairs', reason: '居委会' });
    now += 2 * 86_400_000;
    await boss.post(`/api/staff/tickets/${kept}/status`, { status: 'resolved', text: '已责令整改，加装油烟净化器。' });
    now = Date.parse('2026-12-10T10:00:00+08:00');
    const page = (await boss.get('/console/dashboard?from=2026-11-25&to=2026-11-30')).body;
    expect(page).toContain('工单办理（3 件）');
    expect(page).toMatch(
      /<td>区城市管理行政执法局（城管执法）<\/td><td class="num">1<\/td><td class="num">0<\/td><td class="num">1<\/td><td class="num">0<\/td><td class="num">0<\/td><td class="num">2\.0 天<\/td>/,
    );
    expect(page).toMatch(
      /<td>区市场监督管理局<\/td><td class="num">1<\/td><td class="num">1<\/td><td class="num">0<\/td><td class="num">0<\/td><td class="num">1<\/td>/,
    );
    expect(page).toContain(
      '模型派单并保持 1 件（50.0%），人工改派模型结果 1 件（50.0%），待分派后人工派单 1 件，仍待分派 0 件。超期未办结 2 件，紧急未办结 0 件。',
    );
  });
});

describe('due dates and overdue tickets', () => {
  it('gives a complaint 5 working days, flags it overdue after, and counts it on /metrics', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const ref = await complain('c-due', '我要投诉饭店油烟扰民');
    const { ticket } = (await boss.get(`/api/staff/tickets/${ref}`)).json();
    // Filed Wednesday 25 November: Thu, Fri, Mon, Tue, Wed → the end of Wednesday 2 December.
    expect(ticket.dueAt).toBe(Date.parse('2026-12-03T00:00:00+08:00'));
    expect(ticket.overdue).toBe(false);
    expect((await boss.get('/api/staff/tickets?overdue=true')).json().tickets).toEqual([]);

    now = Date.parse('2026-12-03T09:00:00+08:00');
    expect((await boss.get('/api/staff/tickets?overdue=true')).json().tickets).toMatchObject([{ reference: ref, overdue: true }]);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('wenzheng_tickets_overdue{department="urban_management"} 1');
    expect(metrics).toContain('wenzheng_tickets_open{department="urban_management",status="open"} 1');
  });

  it('filters by status, kind, channel and age', async () => {
    const boss = await staffMember(t, 'boss', 'admin');
    const old = await complain('c-old', '我要投诉饭店油烟扰民');
    now += 3 * 86_400_000;
    const fresh = await complain('c-new', '我要投诉小区物业不作为');
    await boss.post(`/api/staff/tickets/${fresh}/status`, { status: 'in_progress' });
    const refs = async (q: string) =>
      (await boss.get(`/api/staff/tickets?${q}`)).json().tickets.map((x: { reference: string }) => x.reference);
    expect(await refs('status=in_progress')).toEqual([fresh]);
    expect(await refs('status=open,in_progress')).toEqual([fresh, old]);
    expect(await refs('kind=suggestion')).toEqual([]);
    expect(await refs('kind=complaint&channel=web')).toEqual([fresh, old]);
    expect(await refs('minAgeDays=2')).toEqual([old]);
    expect(await refs('maxAgeDays=1')).toEqual([fresh]);
    expect((await boss.get('/api/staff/tickets?status=lost')).json().error.code).toBe('BAD_REQUEST');
  });
});

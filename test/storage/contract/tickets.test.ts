/**
 * Ticket store contract (issue 13): dispatch recorded once, conditional
 * department and status changes with their history, the list's filters, the
 * counts behind /metrics, staff departments, and messages to the citizen.
 * Runs on every storage that has a ticket store (SQLite and PostgreSQL);
 * a storage without one skips it.
 */
import { expect, it, type TestContext } from 'vitest';
import { type Action, type Conversation, initialState, type Priority } from '../../../src/core/conversation.js';
import type { TicketStore } from '../../../src/core/tickets.js';
import { describeStores } from './stores.js';

const NOW = Date.parse('2026-12-04T10:00:00+08:00');
const DAY = 86_400_000;

const conversation = (userId: string): Conversation => ({
  id: `conv-${userId}`,
  channel: 'web',
  userId,
  state: initialState(),
  updatedAt: NOW,
});
const complaint = (description: string, priority?: Priority): Action => ({
  type: 'create_ticket',
  kind: 'complaint',
  description,
  location: null,
  phone: null,
  ...(priority ? { priority } : {}),
});

describeStores('ticket store', (s) => {
  const tickets = (ctx: TestContext): TicketStore => {
    if (!s.storage.tickets) ctx.skip();
    return s.storage.tickets as TicketStore;
  };
  /** Files a ticket through a turn, as the dialogue does; returns its reference. */
  const file = async (userId: string, description: string, now = NOW, priority?: Priority): Promise<string> => {
    const c = conversation(userId);
    const [created] = (await s.storage.conversations.commitTurn({
      conversation: c,
      actions: [complaint(description, priority)],
      incoming: { direction: 'in', text: description, intent: 'complaint', score: 0.9, modelVersion: 'v1' },
      now,
      finish: (results) => ({ state: c.state, outgoing: [], value: results }),
    })) as Array<{ reference: string }>;
    return created?.reference as string;
  };
  const prediction = (department: string | null) => ({
    department,
    score: department ? 0.9 : 0.3,
    alternatives: [{ department: department ?? 'housing', score: department ? 0.9 : 0.3 }],
    modelVersion: 'd1',
  });

  it('records a dispatch once, with the prediction and the due date, and a history row', async (ctx) => {
    const store = tickets(ctx);
    const ref = await file('u1', '油烟扰民');
    expect((await store.find(ref))?.dispatchState).toBe('pending');
    expect((await store.undispatched(10)).map((t) => t.reference)).toEqual([ref]);
    expect(
      await store.recordDispatch({ reference: ref, prediction: prediction('urban_management'), failed: false, dueAt: NOW + DAY, now: NOW }),
    ).toBe(true);
    expect(await store.recordDispatch({ reference: ref, prediction: prediction('housing'), failed: false, dueAt: NOW, now: NOW })).toBe(
      false,
    );
    expect(await store.find(ref)).toMatchObject({
      department: 'urban_management',
      departmentBy: 'model',
      dispatchState: 'done',
      predicted: {
        department: 'urban_management',
        score: 0.9,
        alternatives: [{ department: 'urban_management', score: 0.9 }],
        modelVersion: 'd1',
      },
      dueAt: NOW + DAY,
      status: 'open',
    });
    expect(await store.undispatched(10)).toEqual([]);
    expect(await store.history(ref)).toMatchObject([{ type: 'dispatch', to: 'urban_management', staffId: null }]);
  });

  it('keeps a ticket below the threshold, or a failed dispatch, without a department', async (ctx) => {
    const store = tickets(ctx);
    const unsure = await file('u1', '没人管');
    const failed = await file('u2', '也没人管');
    await store.recordDispatch({ reference: unsure, prediction: prediction(null), failed: false, dueAt: NOW + DAY, now: NOW });
    await store.recordDispatch({ reference: failed, prediction: null, failed: true, dueAt: NOW + DAY, now: NOW });
    expect(await store.find(unsure)).toMatchObject({
      department: null,
      dispatchState: 'done',
      predicted: { department: null, score: 0.3 },
    });
    expect(await store.find(failed)).toMatchObject({ department: null, dispatchState: 'failed', predicted: null });
  });

  it('changes the department only from the one it has, with the reason and who in the history', async (ctx) => {
    const store = tickets(ctx);
    const ref = await file('u1', '油烟扰民');
    await store.recordDispatch({ reference: ref, prediction: prediction('urban_management'), failed: false, dueAt: NOW + DAY, now: NOW });
    const change = { reference: ref, to: 'ecology_environment', staffId: 's1', reason: '工业油烟', now: NOW + 1 };
    expect(await store.changeDepartment({ ...change, from: 'housing' })).toBe(false);
    expect(await store.changeDepartment({ ...change, from: 'urban_management' })).toBe(true);
    expect(await store.find(ref)).toMatchObject({
      department: 'ecology_environment',
      departmentBy: 'staff',
      predicted: { department: 'urban_management' },
    });
    expect(
      await store.changeDepartment({
        reference: ref,
        from: 'ecology_environment',
        to: null,
        staffId: 's1',
        reason: '退回派单台',
        now: NOW + 2,
      }),
    ).toBe(true);
    expect(await store.find(ref)).toMatchObject({ department: null, departmentBy: null });
    expect((await store.history(ref)).map((e) => [e.type, e.from, e.to, e.text, e.staffId])).toEqual([
      ['dispatch', null, 'urban_management', null, null],
      ['department', 'urban_management', 'ecology_environment', '工业油烟', 's1'],
      ['department', 'ecology_environment', null, '退回派单台', 's1'],
    ]);
  });

  it('changes the status only from the one it has; resolving keeps the result and when', async (ctx) => {
    const store = tickets(ctx);
    const ref = await file('u1', '油烟扰民');
    const step = (from: 'open' | 'in_progress', to: 'in_progress' | 'resolved', text: string | null, now: number) =>
      store.changeStatus({ reference: ref, from, to, staffId: 's1', text, now });
    expect(await step('in_progress', 'resolved', '已整改', NOW)).toBe(false);
    expect(await step('open', 'in_progress', null, NOW + 1)).toBe(true);
    expect(await step('in_progress', 'resolved', '已整改', NOW + 2 * DAY)).toBe(true);
    expect(await store.find(ref)).toMatchObject({ status: 'resolved', result: '已整改', resolvedAt: NOW + 2 * DAY });
    expect((await store.history(ref)).map((e) => [e.type, e.from, e.to, e.text])).toEqual([
      ['status', 'open', 'in_progress', null],
      ['status', 'in_progress', 'resolved', '已整改'],
    ]);
  });

  it('lists newest first by department (待分派 as ""), status, age and overdue, and counts open and overdue tickets', async (ctx) => {
    const store = tickets(ctx);
    const old = await file('u1', '油烟扰民', NOW - 10 * DAY);
    const fresh = await file('u2', '物业不作为', NOW);
    const vague = await file('u3', '没人管', NOW - DAY);
    await store.recordDispatch({ reference: old, prediction: prediction('urban_management'), failed: false, dueAt: NOW - DAY, now: NOW });
    await store.recordDispatch({ reference: fresh, prediction: prediction('housing'), failed: false, dueAt: NOW + DAY, now: NOW });
    await store.recordDispatch({ reference: vague, prediction: prediction(null), failed: false, dueAt: NOW - 1, now: NOW });
    const refs = async (f: Partial<Parameters<TicketStore['list']>[0]>) => (await store.list({ limit: 50, ...f })).map((t) => t.reference);
    expect(await refs({})).toEqual([fresh, vague, old]);
    expect(await refs({ departments: [''] })).toEqual([vague]);
    expect(await refs({ departments: ['housing', 'urban_management'] })).toEqual([fresh, old]);
    expect(await refs({ overdueAt: NOW })).toEqual([vague, old]);
    expect(await refs({ createdBefore: NOW - 5 * DAY })).toEqual([old]);
    expect(await refs({ createdFrom: NOW - 2 * DAY, kinds: ['complaint'], channels: ['web'], statuses: ['open'] })).toEqual([fresh, vague]);
    expect(await refs({ limit: 1 })).toEqual([fresh]);
    await store.changeStatus({ reference: old, from: 'open', to: 'resolved', staffId: 's1', text: '已整改', now: NOW });
    expect(await store.counts(NOW)).toEqual({
      open: [
        { department: '', status: 'open', count: 1 },
        { department: 'housing', status: 'open', count: 1 },
      ],
      overdue: [{ department: '', count: 1 }],
      urgent: [],
    });
  });

  it('lists urgent tickets first, then high, then normal, newest first within each; filters and counts by priority', async (ctx) => {
    const store = tickets(ctx);
    const normalOld = await file('u1', '路灯坏了', NOW - 3 * DAY);
    const urgentOld = await file('u2', '【紧急·非工作时间·紧急情况】厨房着火了', NOW - 2 * DAY, 'urgent');
    const high = await file('u3', '【回电·情绪激动】到底有没有人管', NOW - DAY, 'high');
    const urgentNew = await file('u4', '【紧急·非工作时间·紧急情况】有人晕倒了', NOW - 1000, 'urgent');
    const normalNew = await file('u5', '噪音扰民', NOW);
    expect((await store.find(urgentOld))?.priority).toBe('urgent');
    expect((await store.find(normalNew))?.priority).toBe('normal');
    const refs = async (f: Partial<Parameters<TicketStore['list']>[0]>) => (await store.list({ limit: 50, ...f })).map((t) => t.reference);
    expect(await refs({})).toEqual([urgentNew, urgentOld, high, normalNew, normalOld]);
    // The limit keeps the top of that order: an urgent ticket is never cut off by newer normal ones.
    expect(await refs({ limit: 1 })).toEqual([urgentNew]);
    expect(await refs({ priorities: ['urgent'] })).toEqual([urgentNew, urgentOld]);
    expect(await refs({ priorities: ['high', 'normal'] })).toEqual([high, normalNew, normalOld]);
    expect(await refs({ priorities: ['urgent'], createdFrom: NOW - DAY })).toEqual([urgentNew]);
    await store.recordDispatch({
      reference: urgentOld,
      prediction: prediction('emergency_management'),
      failed: false,
      dueAt: NOW + DAY,
      now: NOW,
    });
    await store.changeStatus({ reference: urgentNew, from: 'open', to: 'resolved', staffId: 's1', text: '已联系 120', now: NOW });
    expect((await store.counts(NOW)).urgent).toEqual([{ department: 'emergency_management', count: 1 }]);
  });

  it('writes a message to the citizen in the ticket’s conversation, and none once the citizen is forgotten', async (ctx) => {
    const store = tickets(ctx);
    const ref = await file('u1', '油烟扰民');
    const t = await store.find(ref);
    const stored = await store.addCitizenMessage(t!, '已开始办理', NOW + 5);
    expect(stored).toMatchObject({ lastCitizenAt: NOW });
    await store.addEvent({
      reference: ref,
      type: 'message',
      staffId: null,
      text: '已开始办理',
      messageId: stored?.messageId,
      now: NOW + 5,
    });
    expect((await store.history(ref)).at(-1)).toMatchObject({ type: 'message', text: '已开始办理', delivery: 'pending' });
    await s.storage.conversations.forgetUser('web', 'u1');
    expect(await store.addCitizenMessage((await store.find(ref))!, '已办结', NOW + 6)).toBeNull();
  });

  it('keeps which departments a staff member works', async (ctx) => {
    const store = tickets(ctx);
    await s.storage.staff.createUser({ id: 's1', name: 'fang', role: 'agent', passwordHash: 'x', now: NOW });
    expect(await store.staffDepartments('s1')).toEqual([]);
    await store.setStaffDepartments('s1', ['transport', 'housing']);
    expect(await store.staffDepartments('s1')).toEqual(['housing', 'transport']);
    await store.setStaffDepartments('s1', []);
    expect(await store.staffDepartments('s1')).toEqual([]);
  });

  it('tells the departments of several staff members at once, [] for one who works none', async (ctx) => {
    const store = tickets(ctx);
    for (const id of ['s1', 's2', 's3'])
      await s.storage.staff.createUser({ id, name: `name-${id}`, role: 'agent', passwordHash: 'x', now: NOW });
    await store.setStaffDepartments('s1', ['transport', 'housing']);
    await store.setStaffDepartments('s3', ['urban_management']);
    const all = await store.departmentsOfStaff(['s1', 's2', 's3', 'nobody']);
    expect(Object.fromEntries(all)).toEqual({ s1: ['housing', 'transport'], s2: [], s3: ['urban_management'], nobody: [] });
    expect(Object.fromEntries(await store.departmentsOfStaff(['s3']))).toEqual({ s3: ['urban_management'] });
    expect((await store.departmentsOfStaff([])).size).toBe(0);
  });
});

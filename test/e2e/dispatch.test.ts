/**
 * Dispatch with the real department model, end to end over HTTP: the model
 * trained from corpus/departments/ once per test run (global-setup, as a
 * first start trains it) is served
 * the way main.ts serves it (composeApp's dispatchModels: the held model at
 * DISPATCH_MIN_SCORE, corrections into a copy of the corpus); citizens
 * complain through the web chat; staff work the tickets through the staff
 * API. The complaints below are written for this test (not corpus lines).
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loadArtifact } from '../../src/nlu/artifact.js';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { addStaffUser } from '../../src/staff/users.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { type HttpStaff, httpLogin, webPoll, webSay } from '../helpers/http-staff.js';

let t: TestApp;
let base: string;
let boss: HttpStaff;
let housingAgent: HttpStaff;
const corpusDir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-dispatch-e2e-')), 'corpus');

beforeAll(async () => {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const model = loadArtifact(inject('dispatchModelDir'));
  // Corrections are appended to the corpus: a copy, so the test leaves the shipped one alone.
  cpSync(config.CORPUS_DIR, corpusDir, { recursive: true });
  t = await startApp({ clock: () => new Date(), env: { CORPUS_DIR: corpusDir }, dispatchModels: new ModelHolder(model) });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  await addStaffUser(t.staff, { name: 'boss', role: 'admin', password: 'admin-password-2026' });
  const agent = await addStaffUser(t.staff, { name: 'fang', role: 'agent', password: 'agent-password-2026' });
  boss = await httpLogin(base, 'boss', 'admin-password-2026');
  expect((await boss.post(`/api/staff/users/${agent.id}/departments`, { departments: ['housing'] })).status).toBe(200);
  housingAgent = await httpLogin(base, 'fang', 'agent-password-2026');
}, 180_000);
afterAll(async () => t?.close());

async function complain(userId: string, text: string): Promise<{ reference: string; ticket: any }> {
  await webSay(base, userId, text);
  await webSay(base, userId, '浦东新区张江路88弄');
  await webSay(base, userId, '13912345678');
  const done = await webSay(base, userId, '是的');
  const reference = done.events.find((e) => e.type === 'ticket.created')?.id as string;
  expect(reference, JSON.stringify(done.replies)).toMatch(/^T\d{8}-\d{4}$/);
  let ticket: any;
  await vi.waitFor(async () => {
    ticket = (await boss.get(`/api/staff/tickets/${reference}`)).body.ticket;
    expect(ticket.dispatch.state).toBe('done');
  });
  return { reference, ticket };
}

describe('dispatch with the real department model', () => {
  it.each([
    ['我要投诉楼下烧烤店油烟太大，每天晚上熏得没法开窗', 'urban_management'],
    ['我要投诉小区物业不作为，楼道灯坏了三个月没人修', 'housing'],
    ['我要投诉公司拖欠我三个月工资不发', 'human_resources'],
    ['我要投诉公交车司机态度很差，到站不停车', 'transport'],
  ])('dispatches “%s” to %s, with the model version and alternatives', async (text, department) => {
    const { ticket } = await complain(`c-${department}`, text);
    expect(ticket.department?.id).toBe(department);
    expect(ticket.departmentBy).toBe('model');
    expect(ticket.dispatch.score).toBeGreaterThanOrEqual(0.5);
    expect(ticket.dispatch.alternatives[0].id).toBe(department);
    expect(ticket.dispatch.modelVersion).toMatch(/^\d{8}-\d{6}-/);
  });

  it('leaves a complaint that names no department’s matter in 待分派; staff dispatch it, and that becomes training data', async () => {
    const { reference, ticket } = await complain('c-vague', '我要投诉这件事一直没人管，太让人失望了');
    expect(ticket.department).toBeNull();
    expect(ticket.dispatch.predicted).toBeNull();
    expect(ticket.dispatch.score).toBeLessThan(0.5);
    const queue = (await boss.get('/api/staff/tickets?department=unassigned')).body.tickets.map((x: { reference: string }) => x.reference);
    expect(queue).toContain(reference);

    const res = await boss.post(`/api/staff/tickets/${reference}/department`, {
      department: 'civil_affairs',
      reason: '居委会不作为，归民政',
    });
    expect(res.body).toMatchObject({ correctionRecorded: true, ticket: { department: { id: 'civil_affairs' }, departmentBy: 'staff' } });
    const written = readFileSync(path.join(corpusDir, 'departments', 'reviewed', 'civil_affairs.jsonl'), 'utf8');
    expect(written).toContain('我要投诉这件事一直没人管');
    const unknown = await boss.post(`/api/staff/tickets/${reference}/department`, { department: 'weather_bureau', reason: '试试' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_DEPARTMENT' });
    expect(unknown.body.error.message).toContain('weather_bureau');
  });

  it('lets the housing agent work the housing ticket and nothing else, and the citizen hears the result', async () => {
    const housing = await complain('c-lift', '我要投诉小区物业不作为，电梯坏了一个月没人修');
    const oil = await complain('c-oil', '我要投诉楼下烧烤店油烟太大');
    expect(housing.ticket.department.id).toBe('housing');
    expect((await housingAgent.get(`/api/staff/tickets/${oil.reference}`)).status).toBe(404);
    expect((await housingAgent.post(`/api/staff/tickets/${oil.reference}/status`, { status: 'in_progress' })).status).toBe(404);
    const listed = (await housingAgent.get('/api/staff/tickets')).body.tickets.map((x: { department: { id: string } }) => x.department.id);
    expect(new Set(listed)).toEqual(new Set(['housing']));

    const cursor = (await webPoll(base, 'c-lift')).cursor;
    const res = await housingAgent.post(`/api/staff/tickets/${housing.reference}/status`, {
      status: 'resolved',
      text: '已责成物业更换电梯控制柜，现已恢复运行。',
    });
    expect(res.status).toBe(200);
    const heard = await webPoll(base, 'c-lift', cursor);
    expect(heard.messages.map((m) => m.text).join('')).toContain('办理结果：已责成物业更换电梯控制柜');
    const progress = await webSay(base, 'c-lift', `查一下${housing.reference}的进度`);
    expect(progress.replies.map((r) => r.text).join('')).toContain('已办结。办理部门：区住房和城乡建设管理委员会');
  });
});

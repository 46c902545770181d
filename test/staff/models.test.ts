/**
 * Models in the console: a maintainer retrains (in a child process, with
 * progress), sees the versions, and rolls back; agents cannot.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { type StaffClient, staffMember } from '../helpers/staff.js';
import { TINY_CORPUS, tinyModel } from '../helpers/tiny-model.js';

let t: TestApp;
let maintainer: StaffClient;

beforeAll(async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'wz-models-'));
  const corpus = path.join(work, 'corpus');
  cpSync(TINY_CORPUS, corpus, { recursive: true });
  t = await startApp({
    clock: () => new Date(),
    dbFile: path.join(work, 'data', 'wenzheng.db'),
    env: { CORPUS_DIR: corpus },
    models: new ModelHolder(await tinyModel()),
  });
  maintainer = await staffMember(t, 'wangli', 'maintainer');
});
afterAll(async () => t.close());

async function finished(): Promise<{ status: string; log: string[]; progress: string }> {
  for (let i = 0; i < 240; i++) {
    const { job } = (await maintainer.get('/api/staff/models')).json();
    if (job && job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('retrain did not finish in 60 s');
}

describe('models in the console', () => {
  it('retrains off the request path with progress, refuses a second run meanwhile, lists versions and rolls back', async () => {
    const started = await maintainer.post('/api/staff/models/retrain', {});
    expect(started.statusCode).toBe(202);
    expect(started.json().job).toMatchObject({ status: 'running', by: 'wangli' });
    expect((await maintainer.post('/api/staff/models/retrain', {})).json().error.code).toBe('CONFLICT');
    // The server keeps answering while the candidate trains.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/parse', payload: { text: '你好' } })).statusCode).toBe(200);
    const first = await finished();
    expect(first.status, first.log.join('\n')).toBe('promoted');
    expect(first.log.join('\n')).toMatch(/training on \d+ utterances/);

    const second = await maintainer.post('/api/staff/models/retrain', { force: '演示强制上线' });
    expect(second.statusCode).toBe(202);
    expect((await finished()).status).toBe('promoted');

    const overview = (await maintainer.get('/api/staff/models')).json();
    const [newest, older] = overview.versions;
    expect(newest).toMatchObject({ status: 'active', promotedBy: 'wangli' });
    expect(older).toMatchObject({ status: 'retired' });
    expect(overview.current).toBe(newest.version);

    const back = await maintainer.post(`/api/staff/models/${older.version}/rollback`);
    expect(back.json().to).toMatchObject({ version: older.version, status: 'active', forceReason: 'rollback' });
    expect((await maintainer.get('/api/staff/models')).json().current).toBe(older.version);
    expect((await maintainer.post(`/api/staff/models/${older.version}/rollback`)).statusCode).toBe(400);

    const actions = (await t.staff.auditLog(50)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['retrain_start', 'retrain_promoted', 'rollback']));
  }, 120_000);

  it('is for maintainers: an agent gets 403, and the page is served with its CSP', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    expect((await agent.get('/api/staff/models')).statusCode).toBe(403);
    expect((await agent.post('/api/staff/models/retrain', {})).statusCode).toBe(403);
    const page = await t.app.inject({ method: 'GET', url: '/console/models' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-/);
  });
});

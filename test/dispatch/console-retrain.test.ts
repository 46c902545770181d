/** The console's models page retrains the dispatch model with the intent model, and shows it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { tinyCorpusWithDepartments } from '../helpers/dispatch-corpus.js';
import { type StaffClient, staffMember } from '../helpers/staff.js';
import { tinyModel } from '../helpers/tiny-model.js';

let t: TestApp;
let maintainer: StaffClient;

beforeAll(async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'wz-dispatch-console-'));
  t = await startApp({
    clock: () => new Date(),
    dbFile: path.join(work, 'data', 'wenzheng.db'),
    env: { CORPUS_DIR: tinyCorpusWithDepartments() },
    models: new ModelHolder(await tinyModel()),
  });
  maintainer = await staffMember(t, 'wangli', 'maintainer');
});
afterAll(async () => t.close());

describe('the console models page covers the dispatch model', () => {
  it('one retrain promotes a dispatch model too, listed beside the intent versions', async () => {
    const before = (await maintainer.get('/api/staff/models')).json();
    expect(before.dispatch).toEqual({ serving: null, current: null, versions: [] });

    expect((await maintainer.post('/api/staff/models/retrain', {})).statusCode).toBe(202);
    let job: { status: string; log: string[] } | null = null;
    for (let i = 0; i < 480 && (!job || job.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      job = (await maintainer.get('/api/staff/models')).json().job;
    }
    expect(job?.status, job?.log.join('\n')).toBe('promoted');
    expect(job?.log.join('\n')).toMatch(/=== dispatch model ===/);

    const after = (await maintainer.get('/api/staff/models')).json();
    expect(after.dispatch.versions).toHaveLength(1);
    expect(after.dispatch.versions[0]).toMatchObject({ status: 'active', promotedBy: 'wangli' });
    expect(after.dispatch.current).toBe(after.dispatch.versions[0].version);
    expect(after.versions.map((v: { version: string }) => v.version)).not.toContain(after.dispatch.current);
  });
});

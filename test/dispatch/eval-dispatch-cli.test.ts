import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tinyCorpusWithDepartments } from '../helpers/dispatch-corpus.js';

describe('npm run train:dispatch and npm run eval:dispatch', () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-eval-dispatch-')), 'data');
  const corpus = tinyCorpusWithDepartments();
  const env = { DATA_DIR: dataDir, CORPUS_DIR: corpus, LOG_LEVEL: 'silent' };
  let trained = { code: 0, stdout: '', stderr: '' };

  beforeAll(async () => {
    trained = await cli('train-dispatch', [], env);
  });

  it('trains a dispatch model, makes it current and prints its held-out figures', () => {
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/dispatch model \S+ written to .*dispatch-models.* \(now current\)/);
    expect(trained.stdout).toMatch(/held-out evaluation\nlines +6\naccuracy/);
  });

  it('prints accuracy, macro-F1, per-department precision and recall and the confusions on the held-out split', async () => {
    const res = await cli('eval-dispatch', [], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/on .*departments\/test\/heldout\.jsonl/);
    expect(res.stdout).toMatch(/DISPATCH_MIN_SCORE 0\.5: \d+ of 6 lines left in 待分派/);
    expect(res.stdout).toMatch(/^accuracy +\d+\.\d%/m);
    expect(res.stdout).toMatch(/^macro-F1 +\d+\.\d%/m);
    for (const d of ['water_affairs', 'transport', 'human_resources'])
      expect(res.stdout).toMatch(new RegExp(`^${d} +\\d+\\.\\d% +\\d+\\.\\d% +\\d+\\.\\d% +2$`, 'm'));
    expect(res.stdout).not.toMatch(/slowest/);
    const json = JSON.parse((await cli('eval-dispatch', ['--json'], env)).stdout);
    expect(json).toMatchObject({ n: 6, minScore: 0.5 });
    expect(Object.keys(json.perIntent)).toEqual(expect.arrayContaining(['water_affairs', 'transport', 'human_resources']));
  });

  it('says clearly that the held-out split is absent and exits non-zero', async () => {
    const bare = tinyCorpusWithDepartments();
    rmSync(path.join(bare, 'departments', 'test'), { recursive: true });
    const res = await cli('eval-dispatch', [], { ...env, CORPUS_DIR: bare });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/the dispatch held-out split .*heldout\.jsonl is absent/);
    expect(res.stderr).toMatch(/--data/);
  });
});

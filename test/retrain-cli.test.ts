import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { damagedCopy, tinyCorpusWithReviews } from './helpers/reviewed-corpus.js';

const candidateOf = (stdout: string) => /^candidate (\S+)/m.exec(stdout)?.[1] ?? '';

describe('retrain, the gate, model:list and model:rollback on a tiny corpus', () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-retrain-')), 'data');
  const good = tinyCorpusWithReviews();
  const damaged = damagedCopy(good);
  const env = (corpus: string) => ({ DATA_DIR: dataDir, CORPUS_DIR: corpus, LOG_LEVEL: 'silent' });
  const current = () => readFileSync(path.join(dataDir, 'models', 'CURRENT'), 'utf8').trim();
  /** model:list, then its line for a version. */
  const listing = async () => {
    const list = await cli('model-list', [], env(good));
    expect(list.code).toBe(0);
    return (version: string) => list.stdout.split('\n').find((l) => l.includes(version)) ?? '';
  };
  const versions: Record<string, string> = {};

  beforeAll(async () => {
    const first = await cli('retrain', ['--by', 'li'], env(good));
    expect(first.code, first.stderr).toBe(0);
    versions.first = candidateOf(first.stdout);
    expect(first.stdout).toMatch(/no current model/);
    expect(first.stderr).toMatch(/training on \d+ utterances/);
  });

  it('promotes the first candidate when there is no current model', async () => {
    expect(current()).toBe(versions.first);
    expect((await listing())(versions.first as string)).toMatch(/^ACTIVE .* active .* li\b/);
  });

  it('refuses a candidate trained on a damaged corpus, and the current model stays', async () => {
    const res = await cli('retrain', [], env(damaged));
    expect(res.code).toBe(2);
    versions.damaged = candidateOf(res.stdout);
    expect(res.stdout).toMatch(/REFUSED/);
    expect(res.stdout).toMatch(/overall accuracy 100\.0% → \d+\.\d% \(-\d+\.\d points/);
    expect(res.stdout).toMatch(/confusions that got worse/);
    expect(current()).toBe(versions.first);
    expect((await listing())(versions.damaged)).toMatch(/^ +\S+ .* rejected /);
  });

  it('promotes a candidate that is as good as the current model', async () => {
    const res = await cli('retrain', [], env(good));
    expect(res.code, res.stdout).toBe(0);
    versions.equal = candidateOf(res.stdout);
    expect(res.stdout).toMatch(/PROMOTED \S+: the gate passed/);
    expect(res.stdout).toMatch(/together \(\d+ lines\) +100\.0% +100\.0% +0\.0/);
    expect(current()).toBe(versions.equal);
  });

  it('--force promotes a refused candidate and records the reason', async () => {
    const res = await cli('retrain', ['--force', 'emergency: testing the override', '--by', 'wang'], env(damaged));
    expect(res.code).toBe(0);
    versions.forced = candidateOf(res.stdout);
    expect(res.stdout).toMatch(/PROMOTED \S+ BY FORCE although the gate refused it/);
    expect(current()).toBe(versions.forced);
    const line = await listing();
    expect(line(versions.forced)).toMatch(/^ACTIVE .* active .* wang +emergency: testing the override$/);
    expect(line(versions.equal as string)).toMatch(/ retired /);
  });

  it('--force needs a reason', async () => {
    const res = await cli('retrain', ['--force', ' '], env(good));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/--force needs a reason/);
  });

  it('lists a model trained outside retrain (npm run train) as the active one', async () => {
    const trained = await cli('train', [], env(good));
    expect(trained.code).toBe(0);
    const version = current();
    expect(version).not.toBe(versions.forced);
    const line = await listing();
    expect(line(version)).toMatch(/^ACTIVE .* active /);
    expect(line(versions.forced as string)).toMatch(/^ +\S+ .* retired /);
  });

  it('rolls back to an earlier version, recorded with the reason "rollback"', async () => {
    const res = await cli('model-rollback', [versions.first as string, '--by', 'zhao'], env(good));
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`rolled back to ${versions.first}`));
    expect(current()).toBe(versions.first);
    expect((await listing())(versions.first as string)).toMatch(/^ACTIVE .* active .* zhao +rollback$/);
  });

  it('refuses to roll back to a version that never served, or to one that does not exist', async () => {
    const rejected = await cli('model-rollback', [versions.damaged as string], env(good));
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/never served \(status rejected\)/);
    const unknown = await cli('model-rollback', ['20990101-000000-nothing'], env(good));
    expect(unknown.stderr).toMatch(/NOT_FOUND/);
    expect(current()).toBe(versions.first);
  });
});

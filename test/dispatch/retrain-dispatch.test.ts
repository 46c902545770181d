import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { HeldDepartmentClassifier } from '../../src/dispatch/department-classifier.js';
import { CorpusDepartmentCorrections } from '../../src/dispatch/department-corrections.js';
import { loadArtifact } from '../../src/nlu/artifact.js';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { ModelStore } from '../../src/nlu/model-store.js';
import { ModelWatcher } from '../../src/nlu/model-watcher.js';
import { cli } from '../helpers/cli.js';
import { shippedDepartments, tinyCorpusWithDepartments } from '../helpers/dispatch-corpus.js';

describe('npm run retrain covers the intent model and the dispatch model', () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-retrain-dispatch-')), 'data');
  const corpus = tinyCorpusWithDepartments();
  const env = { DATA_DIR: dataDir, CORPUS_DIR: corpus, LOG_LEVEL: 'silent' };
  const current = (dir: string) => readFileSync(path.join(dataDir, dir, 'CURRENT'), 'utf8').trim();
  const dispatchStore = new ModelStore(path.join(dataDir, 'dispatch-models'));
  let first = { code: 0, stdout: '', stderr: '' };

  beforeAll(async () => {
    first = await cli('retrain', ['--by', 'li'], env);
  });

  it('trains and promotes a first model of each kind, each behind its own CURRENT pointer', () => {
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/=== intent model ===\ncandidate (\S+)/);
    expect(first.stdout).toMatch(/=== dispatch model ===\ncandidate (\S+)/);
    const dispatchVersion = /=== dispatch model ===\ncandidate (\S+)/.exec(first.stdout)?.[1];
    expect(current('dispatch-models')).toBe(dispatchVersion);
    expect(current('models')).not.toBe(dispatchVersion);
    expect(dispatchStore.loadCurrent()?.manifest.kind).toBe('department');
  });

  it('a staff correction is in the next retrain data, and the retrained dispatch model is swapped in without failed requests', async () => {
    const departments = shippedDepartments();
    const before = current('dispatch-models');
    const intentBefore = current('models');
    const holder = new ModelHolder(loadArtifact(dispatchStore.pathOf(before)));
    const classifier = new HeldDepartmentClassifier(holder, departments, 0.5);
    const corrections = new CorpusDepartmentCorrections(corpus, departments);
    const at = Date.now();
    await corrections.record({ text: '隧道里又淹了车都过不去', department: 'water_affairs', by: 'zhao', at });
    await corrections.record({ text: '单位拖着不给交五险', department: 'human_resources', by: 'zhao', at });
    await corrections.record({ text: '地铁站出来打不到车', department: 'transport', by: 'zhao', at });

    const res = await cli('retrain', ['--model', 'dispatch', '--by', 'wang'], env);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const reviewed = /reviewed items: (\d+) trained on, (\d+) in the regression set/.exec(res.stdout);
    expect(Number(reviewed?.[1]) + Number(reviewed?.[2])).toBe(3);
    const after = current('dispatch-models');
    expect(after).not.toBe(before);
    expect(current('models')).toBe(intentBefore);

    // A server's watcher swaps the promoted model in while tickets keep being classified.
    const watcher = new ModelWatcher({ store: dispatchStore, holder, intervalMs: 0, log: pino({ level: 'silent' }) });
    let stop = false;
    const seen = { ok: 0, failed: 0, versions: new Set<string | null>() };
    const traffic = (async () => {
      while (!stop) {
        try {
          const p = await classifier.classify('公司拖欠工资三个月了');
          if (p.department === 'human_resources') seen.ok++;
          else seen.failed++;
          seen.versions.add(p.modelVersion);
        } catch {
          seen.failed++;
        }
        await setImmediate();
      }
    })();
    expect(await watcher.check()).toBe('swapped');
    for (let i = 0; i < 20; i++) await setImmediate();
    stop = true;
    await traffic;
    expect(holder.version).toBe(after);
    expect(seen.failed).toBe(0);
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.versions).toEqual(new Set([before, after]));
  });

  it('--model names one model or both, and nothing else', async () => {
    const res = await cli('retrain', ['--model', 'departments'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/--model must be intent, dispatch or both/);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadOrTrainDispatchModel } from '../../src/dispatch/compose-dispatch.js';
import { ModelStore } from '../../src/nlu/model-store.js';
import { SHIPPED_DEPARTMENTS_FILE, tinyCorpusWithDepartments } from '../helpers/dispatch-corpus.js';
import { TINY_CORPUS } from '../helpers/tiny-model.js';

const log = pino({ level: 'silent' });
const config = (corpus: string) => ({
  CORPUS_DIR: corpus,
  departmentsFile: SHIPPED_DEPARTMENTS_FILE,
  DISPATCH_MIN_SCORE: 0.5,
  dispatchModelsDir: path.join(mkdtempSync(path.join(tmpdir(), 'wz-dispatch-start-')), 'dispatch-models'),
});

describe('first start and later starts (npm start)', () => {
  it('trains the dispatch model from corpus/departments/ when there is none, makes it current, and loads it next time', async () => {
    const c = config(tinyCorpusWithDepartments());
    const first = await loadOrTrainDispatchModel(c, log);
    expect(first?.manifest.kind).toBe('department');
    expect(first?.manifest.intents).toEqual(expect.arrayContaining(['water_affairs', 'transport', 'human_resources']));
    // The fixture's held-out split was scored at training time and recorded in the manifest.
    expect(first?.manifest.metrics?.n).toBe(6);
    expect(new ModelStore(c.dispatchModelsDir).currentVersion()).toBe(first?.version);
    const again = await loadOrTrainDispatchModel(c, log);
    expect(again?.version).toBe(first?.version);
  });

  it('without a dispatch model or a dispatch corpus there is nothing to load: every ticket waits in 待分派', async () => {
    expect(await loadOrTrainDispatchModel(config(TINY_CORPUS), log)).toBeNull();
  });
});

import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact, saveArtifact } from '../../src/nlu/artifact.js';
import type { NluModel } from '../../src/nlu/model.js';
import { ModelStore } from '../../src/nlu/model-store.js';
import { tinyModel } from '../helpers/tiny-model.js';

const NOW = new Date('2026-11-25T02:00:00Z');
const SAMPLES = ['我想提取公积金', '公基金怎么取', '居住證續簽', '下周三上午在浦东预约', '讲个笑话', '你好', '🙂', '电池是什么垃圾'];

describe('model artifact', () => {
  let model: NluModel;
  let dir: string;

  beforeAll(async () => {
    model = await tinyModel();
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-artifact-')), 'model');
    saveArtifact(model, dir);
  });

  it('round-trips: a loaded artifact gives the same parses as the trained model', () => {
    const loaded = loadArtifact(dir);
    for (const text of SAMPLES) expect(loaded.parse(text, NOW)).toEqual(model.parse(text, NOW));
  });

  it('records corpus hash, library versions, threshold and held-out metrics in the manifest', () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.corpusHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.libraries['@nlpjs/nlu']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.libraries.nodejieba).toMatch(/^\d+\.\d+\.\d+$/);
    expect(typeof manifest.threshold).toBe('number');
    expect(manifest.metrics.n).toBe(4);
  });

  it('never lists an artifact still being written as a version', () => {
    const models = mkdtempSync(path.join(tmpdir(), 'wz-models-'));
    const store = new ModelStore(models);
    const saved = path.basename(store.save(model));
    // What another reader sees while a save is under way: the temporary directory beside the finished one.
    cpSync(path.join(models, saved), path.join(models, `${saved}-next.tmp-4242`), { recursive: true });
    expect(store.versions()).toEqual([saved]);
  });

  it('carries its own dictionary and corrections', () => {
    expect(readFileSync(path.join(dir, 'user-dict.txt'), 'utf8')).toContain('随申办');
    expect(readFileSync(path.join(dir, 'corrections.tsv'), 'utf8')).toContain('公基金\t公积金');
  });

  it('refuses a directory that is not an artifact with MODEL_INVALID', () => {
    expect(() => loadArtifact(mkdtempSync(path.join(tmpdir(), 'wz-empty-')))).toThrow(expect.objectContaining({ code: 'MODEL_INVALID' }));
  });
});

describe('a parse from the tiny model', () => {
  it('classifies an in-scope request and corrects its misspelling', async () => {
    const model = await tinyModel();
    const parse = model.parse('公基金怎么提取', NOW);
    expect(parse.normalised).toBe('公积金怎么提取');
    expect(parse.intent).toBe('housing_fund_withdraw');
    expect(parse.alternatives[0]?.intent).toBe('housing_fund_withdraw');
    expect(parse.modelVersion).toBe(model.version);
  });

  it('says None for emoji-only input', async () => {
    const model = await tinyModel();
    expect(model.parse('🙂🙂', NOW)).toMatchObject({ intent: 'None', score: 0, entities: [] });
  });
});

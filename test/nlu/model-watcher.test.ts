import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate, setTimeout } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loadArtifact } from '../../src/nlu/artifact.js';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { ModelStore } from '../../src/nlu/model-store.js';
import { ModelWatcher } from '../../src/nlu/model-watcher.js';
import { buildServer } from '../../src/server.js';
import { tinyModel } from '../helpers/tiny-model.js';

/** Copies an artifact under another version name (same model, new version). */
function copyAs(store: ModelStore, from: string, version: string, damage?: (dir: string) => void): string {
  const dir = store.pathOf(version);
  cpSync(store.pathOf(from), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version }));
  damage?.(dir);
  return version;
}

describe('hot swap of a newly promoted model', () => {
  const store = new ModelStore(path.join(mkdtempSync(path.join(tmpdir(), 'wz-watch-')), 'models'));
  const logs: Array<{ level: number; msg: string; version?: string }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  let v1: string;
  let holder: ModelHolder;
  let watcher: ModelWatcher;
  let app: Awaited<ReturnType<typeof buildServer>>;

  beforeAll(async () => {
    const model = await tinyModel();
    store.save(model);
    store.activate(model.version);
    v1 = model.version;
    holder = new ModelHolder(loadArtifact(store.pathOf(v1)));
    watcher = new ModelWatcher({ store, holder, intervalMs: 20, log });
    app = await buildServer({ config: loadConfig({ LOG_LEVEL: 'silent' }), models: holder }, { logger: false });
  });

  afterAll(async () => {
    await watcher.stop();
    await app.close();
  });

  it('swaps in the version CURRENT names while parses keep succeeding, each stamped with the model that made it', async () => {
    const v2 = copyAs(store, v1, 'v2-promoted');
    let stop = false;
    const outcomes = { ok: 0, failed: 0, versions: new Set<string>() };
    const traffic = (async () => {
      while (!stop) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/parse', payload: { text: '我想提取公积金' } });
        const body = res.json();
        if (res.statusCode === 200 && body.intent === 'housing_fund_withdraw') outcomes.ok++;
        else outcomes.failed++;
        outcomes.versions.add(body.modelVersion);
        await setImmediate();
      }
    })();
    await setTimeout(50);
    watcher.start();
    store.activate(v2);
    await vi.waitFor(() => expect(holder.version).toBe(v2), { timeout: 10_000, interval: 10 });
    await setTimeout(50);
    stop = true;
    await traffic;
    expect(outcomes.failed).toBe(0);
    expect(outcomes.ok).toBeGreaterThan(10);
    expect([...outcomes.versions].sort()).toEqual([v1, v2].sort());
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready', model: v2 });
    expect(logs.find((l) => l.msg === 'model swapped')).toMatchObject({ version: v2 });
  });

  it('keeps the old model serving when the new artifact is broken, and does not retry it', async () => {
    await watcher.stop();
    const serving = holder.version;
    const broken = copyAs(store, v1, 'v3-broken', (dir) => writeFileSync(path.join(dir, 'classifier.json'), '{"truncated": '));
    store.activate(broken);
    expect(await watcher.check()).toBe('failed');
    expect(holder.version).toBe(serving);
    expect(holder.current?.parse('居住证怎么办理').intent).toBe('residence_permit');
    expect(logs.find((l) => l.level === 50)).toMatchObject({ version: broken, msg: expect.stringMatching(/previous model keeps serving/) });
    expect(await watcher.check()).toBe('unchanged');

    const fixed = copyAs(store, v1, 'v4-fixed');
    store.activate(fixed);
    expect(await watcher.check()).toBe('swapped');
    expect(holder.version).toBe(fixed);
  });
});

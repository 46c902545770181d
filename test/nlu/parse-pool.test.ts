import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '../../src/nlu/artifact.js';
import type { NluModel } from '../../src/nlu/model.js';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { ModelStore } from '../../src/nlu/model-store.js';
import { ParsePool } from '../../src/nlu/parse-pool.js';
import { tinyModel } from '../helpers/tiny-model.js';

const NOW = new Date('2026-11-25T02:00:00Z');
const TEXTS = ['我想提取公积金', '明天下午去徐汇预约', '你好'];

let model: NluModel;
let store: ModelStore;
const pools: ParsePool[] = [];

beforeAll(async () => {
  model = await tinyModel();
  store = new ModelStore(mkdtempSync(path.join(tmpdir(), 'wz-pool-')));
  store.save(model);
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(holder: ModelHolder, dirOf = (v: string) => store.pathOf(v), log = pino({ level: 'silent' })): ParsePool {
  const p = new ParsePool({ threads: 1, holder, dirOf, log, restartMs: 50 });
  pools.push(p);
  return p;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await sleep(25);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** The same artifact under another version, as a retrain would publish. */
function republish(version: string): NluModel {
  const dir = store.pathOf(version);
  cpSync(store.pathOf(model.version), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version }));
  return loadArtifact(dir);
}

describe('parsing on worker threads', () => {
  it('parses on a thread once it is ready, with the same result as the event loop', async () => {
    const p = pool(new ModelHolder(model));
    // While the thread loads its model, messages are parsed here.
    expect(p.parse(TEXTS[0] as string, NOW)).toEqual(model.parse(TEXTS[0] as string, NOW));
    await until(() => p.readyThreads === 1, 'the parse thread');
    for (const text of TEXTS) {
      const onThread = p.parse(text, NOW);
      expect(onThread).toBeInstanceOf(Promise);
      expect(await onThread).toEqual(model.parse(text, NOW));
    }
  });

  it('serves a swapped model at once, and moves its threads to it', async () => {
    const holder = new ModelHolder(model);
    const p = pool(holder);
    await until(() => p.readyThreads === 1, 'the parse thread');
    const next = republish('20991231-000000-swapped');
    holder.swap(next);
    // The first parse after the swap does not wait for a thread: it runs here on the new model.
    expect((await p.parse(TEXTS[1] as string, NOW)).modelVersion).toBe(next.version);
    await until(() => p.readyThreads === 1, 'a thread of the new version');
    const onThread = p.parse(TEXTS[1] as string, NOW);
    expect(onThread).toBeInstanceOf(Promise);
    expect((await onThread).modelVersion).toBe(next.version);
  });

  it('fails a parse that runs too long, parses the messages behind it here, and replaces the thread', async () => {
    const lines: Array<{ msg: string }> = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const p = new ParsePool({
      threads: 1,
      holder: new ModelHolder(model),
      dirOf: (v) => store.pathOf(v),
      log,
      restartMs: 50,
      timeoutMs: 300,
      worker: new URL('../fixtures/hanging-parse-worker.ts', import.meta.url),
    });
    pools.push(p);
    await until(() => p.readyThreads === 1, 'the parse thread');
    const stuck = p.parse('这条消息会卡住', NOW);
    const behind = p.parse(TEXTS[0] as string, NOW);
    await expect(stuck).rejects.toMatchObject({ code: 'PARSE_TIMEOUT' });
    expect(await behind).toEqual(model.parse(TEXTS[0] as string, NOW));
    const logged = lines.filter((l) => l.msg.startsWith('parse timed out'));
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toContain('卡住');
    await until(() => p.readyThreads === 1, 'a new thread');
    const onThread = p.parse(TEXTS[1] as string, NOW);
    expect(onThread).toBeInstanceOf(Promise);
    expect(await onThread).toEqual(model.parse(TEXTS[1] as string, NOW));
  });

  it('parses here when a thread cannot start, logs it, and tries again', async () => {
    const lines: Array<{ msg: string }> = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const p = pool(new ModelHolder(model), () => path.join(tmpdir(), 'no-such-model'), log);
    expect(p.parse(TEXTS[0] as string, NOW)).toEqual(model.parse(TEXTS[0] as string, NOW));
    await until(() => lines.filter((l) => l.msg.startsWith('parse thread exited')).length >= 2, 'two failed starts');
    expect(await p.parse(TEXTS[2] as string, NOW)).toEqual(model.parse(TEXTS[2] as string, NOW));
    expect(p.readyThreads).toBe(0);
  });
});

/**
 * The learning loop end to end (issue 6's first bar), on the tiny corpus so
 * it runs with `npm test`:
 *
 *   citizens ask in words the model does not know → the messages appear in
 *   the review queue → a maintainer labels them through the API → the
 *   retrain use case (what `npm run retrain` runs) trains a candidate, the
 *   gate promotes it → the running server's watcher swaps it in while a load
 *   of citizen messages is in flight over real HTTP, none failing → the same
 *   messages are now understood.
 *
 * Honest notes. A model does not learn a new way of asking from one
 * example, so citizens here ask six variants of "住房基金" (the model knows
 * only 公积金) and three of "…放哪" for garbage — as real review works: many
 * citizens, many wordings, each labelled. One in five reviewed texts goes to
 * the regression set and is never trained on; those must be understood
 * by generalising from their labelled siblings, and they are (with this
 * corpus the regression set holds 药盒放哪 and 旧灯泡放哪).
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadArtifact } from '../../src/nlu/artifact.js';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { ModelStore } from '../../src/nlu/model-store.js';
import { ModelWatcher } from '../../src/nlu/model-watcher.js';
import { retrain } from '../../src/nlu/retrain.js';
import { inRegressionSet } from '../../src/nlu/reviewed.js';
import { SqliteModelRegistry } from '../../src/storage/sqlite/model-registry.js';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { INTEGRATOR, startApp, type TestApp } from '../helpers/app.js';
import { staffMember } from '../helpers/staff.js';
import { TINY_CORPUS } from '../helpers/tiny-model.js';

/** What citizens asked, and what they meant. Found by trying phrasings on the tiny model: it gets every one wrong. */
const MISUNDERSTOOD: Record<string, string> = {
  住房基金能领吗: 'housing_fund_withdraw',
  住房基金怎么领: 'housing_fund_withdraw',
  住房基金可以取吗: 'housing_fund_withdraw',
  领住房基金要什么手续: 'housing_fund_withdraw',
  住房基金能拿出来吗: 'housing_fund_withdraw',
  房租能用住房基金付吗: 'housing_fund_withdraw',
  电池放哪: 'garbage_sorting',
  药盒放哪: 'garbage_sorting',
  旧灯泡放哪: 'garbage_sorting',
};
const LOAD_TEXTS = ['我想提取公积金', '居住证怎么办理', '你好', '电池是什么垃圾', '我要预约', '讲个笑话'];
const training = { folds: 2, parallel: 2 };

const root = mkdtempSync(path.join(tmpdir(), 'wz-loop-'));
const dataDir = path.join(root, 'data');
const corpusDir = path.join(root, 'corpus');
const store = new ModelStore(path.join(dataDir, 'models'));
// The retrain runs as `npm run retrain` does: its own connection to the server's database.
const db = openDatabase(path.join(dataDir, 'wenzheng.db'));
const registry = new SqliteModelRegistry(db);
let holder: ModelHolder;
let watcher: ModelWatcher;
let t: TestApp;
let base: string;
let first: string;

beforeAll(async () => {
  cpSync(TINY_CORPUS, corpusDir, { recursive: true });
  const initial = await retrain({ corpusDir, store, registry, by: 'setup', training });
  expect(initial.outcome).toBe('first');
  first = initial.candidate;
  holder = new ModelHolder(loadArtifact(store.pathOf(first)));
  t = await startApp({
    clock: () => new Date(),
    dbFile: path.join(dataDir, 'wenzheng.db'),
    models: holder,
    env: { CORPUS_DIR: corpusDir, RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_IP_PER_MINUTE: '100000' },
  });
  watcher = new ModelWatcher({ store, holder, intervalMs: 50, log: pino({ level: 'silent' }) });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await watcher?.stop();
  await t?.close();
  db.close();
});

describe('the learning loop', () => {
  it('learns from reviewed messages and swaps the better model in under load with no failed request', async () => {
    // 1. Citizens ask; the serving model misunderstands every one of them.
    let n = 0;
    for (const [text, meant] of Object.entries(MISUNDERSTOOD)) {
      const turn = await t.app.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: INTEGRATOR,
        payload: { userId: `citizen-${n++}`, text },
      });
      expect(turn.json().parse.intent, text).not.toBe(meant);
    }

    // 2. They are in the review queue; a maintainer labels each (accepting the model's guess where it was right but unsure).
    const li = await staffMember(t, 'li', 'maintainer');
    const queue = (await li.get('/api/staff/review/queue')).json();
    const items = queue.items as Array<{ key: string; text: string; predicted: { intent: string }; reasons: Record<string, number> }>;
    expect(items.map((i) => i.text).sort()).toEqual(Object.keys(MISUNDERSTOOD).sort());
    let accepted = 0;
    for (const item of items) {
      const meant = MISUNDERSTOOD[item.text] as string;
      if (item.predicted.intent === meant) accepted++;
      const res = await li.post(`/api/staff/review/items/${item.key}/label`, { label: meant });
      expect(res.statusCode, JSON.stringify(res.json())).toBe(200);
    }
    expect(accepted).toBeGreaterThan(0);
    expect((await li.get('/api/staff/review/queue')).json().items).toEqual([]);
    const reviewed = loadCorpus(corpusDir).reviewed;
    expect(reviewed.train.length + reviewed.regression.length).toBe(Object.keys(MISUNDERSTOOD).length);
    expect(reviewed.regression.map((r) => r.text).sort()).toEqual(Object.keys(MISUNDERSTOOD).filter(inRegressionSet).sort());

    // 3. A load of citizen messages over real HTTP, in flight while the candidate trains, is gated, promoted and swapped in.
    const outcomes = { ok: 0, failed: [] as string[], versions: new Set<string>(), slowestMs: 0 };
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const text = LOAD_TEXTS[(w + i) % LOAD_TEXTS.length] as string;
        const started = performance.now();
        try {
          const res = await fetch(`${base}/api/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...INTEGRATOR },
            body: JSON.stringify({ userId: `load-${w}-${i % 5}`, text }),
          });
          const body = (await res.json()) as { replies?: unknown[]; parse?: { modelVersion: string } };
          if (res.status === 200 && body.replies?.length && body.parse) {
            outcomes.ok++;
            outcomes.versions.add(body.parse.modelVersion);
          } else outcomes.failed.push(`${res.status} ${JSON.stringify(body)}`);
        } catch (e) {
          outcomes.failed.push(String(e));
        }
        outcomes.slowestMs = Math.max(outcomes.slowestMs, performance.now() - started);
      }
    };
    const load = Array.from({ length: 8 }, (_, w) => worker(w));
    watcher.start();
    const result = await retrain({ corpusDir, store, registry, by: 'li', training });
    expect(result.outcome, JSON.stringify(result.comparison)).toBe('promoted');
    expect(result.reviewed).toMatchObject({ train: reviewed.train.length, regression: reviewed.regression.length });
    // Better where it was wrong, and no worse on the held-out split.
    expect(result.regression.candidate.accuracy).toBe(1);
    expect(result.regression.current?.accuracy).toBe(0);
    expect(result.heldout.candidate.accuracy).toBeGreaterThanOrEqual(result.heldout.current?.accuracy ?? 1);
    await vi.waitFor(() => expect(holder.version).toBe(result.candidate), { timeout: 20_000, interval: 20 });
    // Keep the load going until the new model has answered some of it.
    await vi.waitFor(() => expect(outcomes.versions.has(result.candidate)).toBe(true), { timeout: 10_000, interval: 20 });
    await setTimeout(200);
    stop = true;
    await Promise.all(load);
    console.log(`learning loop: ${outcomes.ok} messages during retrain and swap, 0 failed, slowest ${Math.round(outcomes.slowestMs)} ms`);
    expect(outcomes.failed).toEqual([]);
    // A delay, not a failure: loading the new model takes main-thread turns (docs/nlu.md, "Hot swap").
    expect(outcomes.slowestMs).toBeLessThan(5000);
    expect(outcomes.ok).toBeGreaterThan(50);
    expect([...outcomes.versions].sort()).toEqual([first, result.candidate].sort());
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ model: result.candidate });

    // 4. The same messages are now understood, by the new model — the regression-set ones too, though never trained on.
    for (const [i, [text, meant]] of Object.entries(MISUNDERSTOOD).entries()) {
      const turn = await t.app.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: INTEGRATOR,
        payload: { userId: `again-${i}`, text },
      });
      expect([text, turn.json().parse.intent, turn.json().parse.modelVersion]).toEqual([text, meant, result.candidate]);
    }
  }, 180_000);
});

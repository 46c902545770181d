/**
 * npm run bench:dialogue — what the dialogue adds to a parse.
 *
 * (1) The pure dialogue step (engine.step + complete) on parses of the
 *     held-out texts, from an idle conversation and from the middle of an
 *     appointment form, and (2) a whole turn through ConversationService
 *     (parse + step + SQLite commit, WAL, file on disk) for scale.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliConfig, runCli } from '../src/cli/common.js';
import { type LatencyStats, latencyStats } from '../src/cli/latency.js';
import { type ConversationState, initialState } from '../src/core/conversation.js';
import { AppError } from '../src/core/errors.js';
import { ConversationService } from '../src/dialogue/conversation-service.js';
import { loadBehaviour } from '../src/dialogue/definitions.js';
import { DialogueEngine } from '../src/dialogue/engine.js';
import { loadCorpus } from '../src/nlu/corpus.js';
import { ModelHolder } from '../src/nlu/model-holder.js';
import { ModelStore } from '../src/nlu/model-store.js';
import { createLogger } from '../src/observability/logger.js';
import { openDatabase } from '../src/storage/sqlite/sqlite.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';

runCli(async () => {
  const config = cliConfig();
  const model = new ModelStore(config.modelsDir).loadCurrent();
  if (!model) throw new AppError('MODEL_INVALID', 'no current model: run npm run train (or npm start once) first');
  const behaviour = loadBehaviour(config.INTENTS_DIR);
  const engine = new DialogueEngine(behaviour);
  const now = new Date('2026-11-25T10:00:00+08:00');
  const texts = loadCorpus(config.CORPUS_DIR).test.map((r) => r.text);
  const parses = texts.map((t) => model.parse(t, now));
  const inForm: ConversationState = {
    ...initialState(),
    status: 'form',
    form: {
      intent: 'appointment',
      slots: { service: 'residence_permit', district: '浦东新区' },
      pending: 'date',
      attempts: {},
      confirming: false,
    },
  };
  const time = (state: ConversationState) => {
    const samples: number[] = [];
    for (let pass = 0; pass < 10; pass++) {
      for (const p of parses) {
        const t0 = performance.now();
        const step = engine.step(state, p, now, 60_000);
        engine.complete(step, []);
        samples.push(performance.now() - t0);
      }
    }
    return latencyStats(samples);
  };
  const idle = time(initialState());
  const form = time(inForm);

  const db = openDatabase(path.join(mkdtempSync(path.join(tmpdir(), 'wz-bench-')), 'bench.db'));
  const service = new ConversationService({
    store: new SqliteStore(db),
    models: new ModelHolder(model),
    engine,
    clock: () => now,
    log: createLogger('silent'),
  });
  const turns: number[] = [];
  for (const [i, t] of texts.entries()) {
    const t0 = performance.now();
    await service.handle({ channel: 'web', userId: `bench-${i % 50}`, text: t });
    turns.push(performance.now() - t0);
  }
  db.close();
  const turn = latencyStats(turns);
  const row = (name: string, r: LatencyStats) =>
    `${name.padEnd(34)} ${String(r.n).padStart(7)} ${r.perSecond.toFixed(0).padStart(10)} ${r.p50.toFixed(3).padStart(9)} ${r.p99.toFixed(3).padStart(9)} ${r.max.toFixed(2).padStart(9)}`;
  console.log(
    `${'dialogue'.padEnd(34)} ${'steps'.padStart(7)} ${'per s'.padStart(10)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'max ms'.padStart(9)}`,
  );
  console.log(row('step, idle conversation', idle));
  console.log(row('step, appointment form (date due)', form));
  console.log(row('whole turn (parse+step+SQLite)', turn));
});

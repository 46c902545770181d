/**
 * npm run bench:nlu — speed of the understanding step on this machine.
 *
 * Trains the shipped corpus (training time), then times model.parse
 * (normalise → correct → segment → classify → entities) on one core over the
 * held-out texts: a cold pass over unique texts (the date cache empty) and
 * warm passes that repeat them, as real traffic repeats 明天/下周三. Cold
 * starts run in fresh processes (bench-nlu-cold.ts): the first parse and a
 * cold pass after loading the artifact, with no warm-up and warmed as the
 * server warms a model before serving it. Prints parses/s, p50/p99/max and
 * peak RSS. Figures, not assertions. `--model DIR` skips training.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { type LatencyStats, latencyStats } from '../src/cli/latency.js';
import { loadArtifact, saveArtifact } from '../src/nlu/artifact.js';
import { loadCorpus, trainingSet } from '../src/nlu/corpus.js';
import { trainModel } from '../src/nlu/train.js';

interface ColdRun {
  loadMs: number;
  warmMs: number;
  firstMs: number;
  samples: number[];
  stats: LatencyStats;
}

runCli(async () => {
  // --model DIR times an existing artifact instead of training one (no training figure then).
  const { values } = parseArgs({ options: { model: { type: 'string' }, 'cold-runs': { type: 'string', default: '3' } } });
  const config = cliConfig();
  const corpus = loadCorpus(config.CORPUS_DIR);
  const t0 = performance.now();
  const model = values.model
    ? loadArtifact(path.resolve(values.model))
    : (
        await trainModel({
          train: trainingSet(corpus),
          terms: corpus.terms,
          corrections: corpus.corrections,
          corpusHash: corpus.hash,
        })
      ).model;
  const trainSeconds = (performance.now() - t0) / 1000;
  const texts = corpus.test.map((r) => r.text);
  // Cold starts, each in a fresh process: without any warm-up, and warmed as the server warms a model before serving it.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'wz-bench-cold-'));
  const artifact = values.model ? path.resolve(values.model) : path.join(scratch, 'model');
  if (!values.model) saveArtifact(model, artifact);
  const textsFile = path.join(scratch, 'texts.json');
  writeFileSync(textsFile, JSON.stringify(texts));
  const coldRun = (mode: 'none' | 'warm'): ColdRun =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [...process.execArgv, path.join(import.meta.dirname, 'bench-nlu-cold.ts'), artifact, mode, textsFile],
        {
          encoding: 'utf8',
        },
      ),
    ) as ColdRun;
  const runs = Number(values['cold-runs']);
  const cold: Record<'none' | 'warm', ColdRun[]> = { none: [], warm: [] };
  for (let i = 0; i < runs; i++) for (const mode of ['none', 'warm'] as const) cold[mode].push(coldRun(mode));
  rmSync(scratch, { recursive: true, force: true });
  const now = new Date();
  const time = (passes: number) => {
    const samples: number[] = [];
    for (let p = 0; p < passes; p++) {
      for (const t of texts) {
        const s = performance.now();
        model.parse(t, now);
        samples.push(performance.now() - s);
      }
    }
    return latencyStats(samples);
  };
  time(1); // this process's own cold pass, not reported: the fresh processes above measure cold starts
  const warm = time(20);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const row = (name: string, r: LatencyStats) =>
    `${name.padEnd(26)} ${String(r.n).padStart(7)} ${r.perSecond.toFixed(0).padStart(10)} ${r.p50.toFixed(3).padStart(9)} ${r.p99.toFixed(3).padStart(9)} ${r.max.toFixed(2).padStart(9)}`;
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, ${new Date().toISOString()}`);
  console.log(`corpus: ${trainingSet(corpus).length} training utterances, ${texts.length} held-out texts timed`);
  if (values.model)
    console.log(`model: ${model.version} loaded from ${values.model} in ${(trainSeconds * 1000).toFixed(0)} ms (no training)`);
  else
    console.log(
      `training (${model.manifest.calibration?.folds ?? 0} calibration folds + final, worker threads): ${trainSeconds.toFixed(1)} s`,
    );
  console.log('');
  console.log(
    `${'understanding step'.padEnd(26)} ${'parses'.padStart(7)} ${'parses/s'.padStart(10)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'max ms'.padStart(9)}`,
  );
  for (const [mode, label] of [
    ['none', 'cold, no warm-up'],
    ['warm', 'cold, warmed as served'],
  ] as const) {
    cold[mode].forEach((r, i) => console.log(row(`${label} #${i + 1}`, r.stats)));
  }
  console.log(row('warm (texts repeated ×20)', warm));
  console.log('');
  // Per text, the fastest of the fresh runs: a shared machine preempts some parses in each run, rarely the same one twice.
  console.log(`cold start (${runs} fresh processes each)     warm-up ms   first parse ms   cold p99 ms   p99 of per-text min`);
  for (const [mode, label] of [
    ['none', 'no warm-up'],
    ['warm', 'warmed as served'],
  ] as const) {
    const rs = cold[mode];
    const span = (f: (r: ColdRun) => number, digits: number) => {
      const v = rs.map(f);
      return `${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)}`;
    };
    const fastest = latencyStats(texts.map((_, i) => Math.min(...rs.map((r) => r.samples[i] as number))));
    console.log(
      `${label.padEnd(40)} ${span((r) => r.warmMs, 0).padStart(10)} ${span((r) => r.firstMs, 2).padStart(16)} ${span((r) => r.stats.p99, 2).padStart(13)} ${fastest.p99.toFixed(2).padStart(21)}`,
    );
  }
  console.log('');
  console.log(`peak RSS: ${rssMb.toFixed(0)} MB`);
});

/**
 * npm run bench:nlu — speed of the understanding step on this machine.
 *
 * Trains the shipped corpus (training time), then times model.parse
 * (normalise → correct → segment → classify → entities) on one core over the
 * held-out texts: a cold pass over unique texts (the date cache empty) and
 * warm passes that repeat them, as real traffic repeats 明天/下周三. Prints
 * parses/s, p50/p99/max and peak RSS. Figures, not assertions.
 */
import os from 'node:os';
import { cliConfig, runCli } from '../src/cli/common.js';
import { type LatencyStats, latencyStats } from '../src/cli/latency.js';
import { loadCorpus, trainingSet } from '../src/nlu/corpus.js';
import { trainModel } from '../src/nlu/train.js';

runCli(async () => {
  const config = cliConfig();
  const corpus = loadCorpus(config.CORPUS_DIR);
  const t0 = performance.now();
  const { model } = await trainModel({
    train: trainingSet(corpus),
    terms: corpus.terms,
    corrections: corpus.corrections,
    corpusHash: corpus.hash,
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const texts = corpus.test.map((r) => r.text);
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
  const cold = time(1);
  const warm = time(20);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const row = (name: string, r: LatencyStats) =>
    `${name.padEnd(26)} ${String(r.n).padStart(7)} ${r.perSecond.toFixed(0).padStart(10)} ${r.p50.toFixed(3).padStart(9)} ${r.p99.toFixed(3).padStart(9)} ${r.max.toFixed(2).padStart(9)}`;
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, ${new Date().toISOString()}`);
  console.log(`corpus: ${trainingSet(corpus).length} training utterances, ${texts.length} held-out texts timed`);
  console.log(
    `training (${model.manifest.calibration?.folds ?? 0} calibration folds + final, worker threads): ${trainSeconds.toFixed(1)} s`,
  );
  console.log('');
  console.log(
    `${'understanding step'.padEnd(26)} ${'parses'.padStart(7)} ${'parses/s'.padStart(10)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'max ms'.padStart(9)}`,
  );
  console.log(row('cold (unique texts)', cold));
  console.log(row('warm (texts repeated ×20)', warm));
  console.log('');
  console.log(`peak RSS: ${rssMb.toFixed(0)} MB`);
});

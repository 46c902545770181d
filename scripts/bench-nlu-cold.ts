/**
 * One cold start for `npm run bench:nlu`, in a process of its own (a cold
 * start cannot be measured twice in one process: the segmenter, the date
 * recognizer and V8's compiled code stay warm). Loads the artifact in DIR,
 * warms it as the server does (`warm`) or not at all (`none`), then times
 * the first parse and one pass over unique texts. Prints JSON.
 *
 *   tsx scripts/bench-nlu-cold.ts DIR warm|none TEXTS.json
 */
import { readFileSync } from 'node:fs';
import { latencyStats } from '../src/cli/latency.js';
import { loadArtifact } from '../src/nlu/artifact.js';
import { warmUp } from '../src/nlu/warm-up.js';

const [dir, mode, textsFile] = process.argv.slice(2) as [string, string, string];
const texts = JSON.parse(readFileSync(textsFile, 'utf8')) as string[];
const now = new Date();
let t = performance.now();
const model = loadArtifact(dir);
const loadMs = performance.now() - t;
t = performance.now();
if (mode === 'warm') warmUp(model);
const warmMs = performance.now() - t;
// Wall time, and this process's CPU time: on a machine shared with other
// work the wall clock also counts the time the parse waited for a core.
const samples: number[] = [];
const cpu: number[] = [];
for (const text of texts) {
  const c = process.cpuUsage();
  const s = performance.now();
  model.parse(text, now);
  samples.push(performance.now() - s);
  const used = process.cpuUsage(c);
  cpu.push((used.user + used.system) / 1000);
}
if (process.env.BENCH_SLOWEST) {
  const slowest = texts.map((text, i) => ({ text, cpu: cpu[i] as number })).sort((a, b) => b.cpu - a.cpu);
  for (const x of slowest.slice(0, Number(process.env.BENCH_SLOWEST))) console.error(x.cpu.toFixed(2), x.text);
}
console.log(
  JSON.stringify({
    loadMs,
    warmMs,
    firstMs: samples[0],
    firstCpuMs: cpu[0],
    samples,
    cpu,
    stats: latencyStats(samples),
    cpuStats: latencyStats(cpu),
  }),
);

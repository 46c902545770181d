/**
 * Runs NLP.js training jobs on worker threads: the calibration folds and the
 * final model train side by side on a 2-core machine (the shipped corpus
 * trains in well under half the time it takes in series), and a server that
 * retrains never blocks its event loop.
 *
 * Workers get pre-segmented text (tokens joined by U+0001), so they need
 * NLP.js only; the native segmenter stays in the parent, where the
 * government-terms dictionary is loaded.
 */
import { availableParallelism } from 'node:os';
import { startWorker } from '../threads/start-worker.js';
import type { FeatureOptions } from './features.js';
import type { NeuralSettings, TrainingExample } from './nlpjs-classifier.js';

export const TOKEN_SEPARATOR = '\u0001';

export interface TrainJob {
  examples: TrainingExample[];
  features: FeatureOptions;
  neural: NeuralSettings;
}

export type JobProgress = (epoch: number, error: number) => void;

const WORKER = new URL('./train-worker.ts', import.meta.url);

function runJob(job: TrainJob, onProgress?: JobProgress): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(WORKER, job);
    worker.on('message', (msg: { type: 'progress'; epoch: number; error: number } | { type: 'done'; model: unknown }) => {
      if (msg.type === 'progress') onProgress?.(msg.epoch, msg.error);
      else resolve(msg.model);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`training worker exited with code ${code}`));
    });
  });
}

/** Runs jobs with at most `parallel` at a time; results in job order. */
export async function runTrainJobs(
  jobs: readonly TrainJob[],
  options: { parallel?: number; onProgress?: (job: number, epoch: number, error: number) => void } = {},
): Promise<unknown[]> {
  const parallel = Math.max(1, options.parallel ?? availableParallelism());
  const results: unknown[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await runJob(jobs[i] as TrainJob, (e, err) => options.onProgress?.(i, e, err));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, lane));
  return results;
}

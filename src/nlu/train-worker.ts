/** Worker side of train-pool.ts: trains one NLP.js classifier on pre-segmented text. */
import { parentPort, workerData } from 'node:worker_threads';
import { featureSteps } from './features.js';
import { trainNlpjsClassifier } from './nlpjs-classifier.js';
import { TOKEN_SEPARATOR, type TrainJob } from './train-pool.js';

const job = workerData as TrainJob;
const classifier = await trainNlpjsClassifier(
  job.examples,
  featureSteps((text) => text.split(TOKEN_SEPARATOR), job.features),
  { neural: job.neural, onProgress: (epoch, error) => parentPort?.postMessage({ type: 'progress', epoch, error }) },
);
parentPort?.postMessage({ type: 'done', model: classifier.toJSON() });

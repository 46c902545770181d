/** Worker side of train-pool.ts: trains one NLP.js classifier on pre-segmented text. */
import { parentPort, workerData } from 'node:worker_threads';
import { buildFeatures, featureValue } from './features.js';
import { trainNlpjsClassifier } from './nlpjs-classifier.js';
import { TOKEN_SEPARATOR, type TrainJob } from './train-pool.js';

const job = workerData as TrainJob;
const classifier = await trainNlpjsClassifier(
  job.examples,
  {
    segment: (text) => text.split(TOKEN_SEPARATOR),
    featurize: (tokens) => buildFeatures(tokens, job.features),
    featureValue: featureValue(job.features),
  },
  { neural: job.neural, onProgress: (epoch, error) => parentPort?.postMessage({ type: 'progress', epoch, error }) },
);
parentPort?.postMessage({ type: 'done', model: classifier.toJSON() });

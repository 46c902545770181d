/**
 * A parse thread (see parse-pool.ts): loads one model version from its
 * artifact directory and parses what the pool sends, one message at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadArtifact } from './artifact.js';
import { warmUp } from './warm-up.js';

interface Request {
  id: number;
  text: string;
  now: number;
}

const port = parentPort;
if (!port) throw new Error('parse-worker runs as a worker thread');
const model = loadArtifact((workerData as { dir: string }).dir);
warmUp(model);
port.on('message', ({ id, text, now }: Request) => {
  try {
    port.postMessage({ id, parse: model.parse(text, new Date(now)) });
  } catch (e) {
    port.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
port.postMessage({ ready: model.version });

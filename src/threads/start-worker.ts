/**
 * Starts a worker thread on one of our modules. Run from TypeScript (npm
 * start and the tests go through tsx) the module is TypeScript too, and a
 * worker does not take --import: a small script registers tsx's loader in
 * the thread and then imports the module. Compiled, the .js is started as is.
 */
import { Worker } from 'node:worker_threads';

const BOOT_TSX = `
  const { workerData } = require('node:worker_threads');
  import(workerData.tsx).then(({ register }) => { register(); return import(workerData.entry); });
`;

/** `sibling` is the module's URL with a .ts extension, as `new URL('./x.ts', import.meta.url)` gives it. */
export function startWorker(sibling: URL, workerData: Record<string, unknown>): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return new Worker(new URL(sibling.href.replace(/\.ts$/, '.js')), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(BOOT_TSX, { eval: true, workerData: { ...workerData, tsx, entry: sibling.href } });
}

/**
 * Starts a worker thread on one of our modules. Run from TypeScript (npm
 * start, the scripts and the tests go through tsx) the module is TypeScript
 * too, and Node 20 does not apply `--import tsx` to a worker's entry module:
 * a small script registers tsx's loader in the thread and then imports the
 * module (its workerData then also carries `tsx` and `entry`). Compiled, the
 * .js is started as is.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const BOOT_TSX = `
  const { workerData } = require('node:worker_threads');
  import(workerData.tsx).then(({ register }) => { register(); return import(workerData.entry); });
`;

let tsxApi: string | undefined;

// tsx's ESM API, found through its package exports (vitest's module runner has no import.meta.resolve).
function tsxApiUrl(): string {
  if (tsxApi) return tsxApi;
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  tsxApi = pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api']?.import.default ?? '')).href;
  return tsxApi;
}

/** `module` is the worker module's URL with a .ts extension, as `new URL('./x.ts', import.meta.url)` gives it. */
export function startWorker(module: URL, workerData: object): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(module.href.replace(/\.ts$/, '.js')), { workerData });
  return new Worker(BOOT_TSX, { eval: true, workerData: { ...workerData, tsx: tsxApiUrl(), entry: module.href } });
}

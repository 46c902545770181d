/**
 * The analytics thread (see analytics-thread.ts): its own connection to the
 * database file, answering AnalyticsQuery calls one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TimeWindow, UnansweredCriteria } from '../../core/analytics.js';
import { SqliteAnalyticsStore } from './analytics-store.js';
import { openConnection } from './sqlite.js';

const port = parentPort;
if (!port) throw new Error('analytics-worker runs as a worker thread');
const store = new SqliteAnalyticsStore(openConnection((workerData as { file: string }).file));
port.on('message', async ({ id, window, criteria }: { id: number; window: TimeWindow; criteria: UnansweredCriteria }) => {
  try {
    port.postMessage({ id, facts: await store.facts(window, criteria) });
  } catch (e) {
    port.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});

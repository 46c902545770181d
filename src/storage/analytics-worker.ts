/**
 * The analytics thread (see analytics-thread.ts): its own connection to the
 * database file, answering AnalyticsQuery calls one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { TimeWindow, UnansweredCriteria } from '../core/analytics.js';
import { SqliteAnalyticsStore } from './analytics-store.js';

const port = parentPort;
if (!port) throw new Error('analytics-worker runs as a worker thread');
const db = new Database((workerData as { file: string }).file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const store = new SqliteAnalyticsStore(db);
port.on('message', async ({ id, window, criteria }: { id: number; window: TimeWindow; criteria: UnansweredCriteria }) => {
  try {
    port.postMessage({ id, facts: await store.facts(window, criteria) });
  } catch (e) {
    port.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});

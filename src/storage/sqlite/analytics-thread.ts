/**
 * Analytics off the event loop. The dashboard, the JSON API and a report
 * over a long range read every citizen message in it: ~0.5 s for 200k
 * messages, during which the serving thread would answer no one. Here the
 * same queries (SqliteAnalyticsStore) run on a worker thread with its own
 * connection; WAL lets it read a consistent snapshot while the server
 * writes. The thread starts on the first call; if it fails, the calls in
 * flight fail with a clear error and the next call starts a new one.
 */
import type { Worker } from 'node:worker_threads';
import type { AnalyticsFacts, AnalyticsQuery, TimeWindow, UnansweredCriteria } from '../../core/analytics.js';
import { AppError } from '../../core/errors.js';
import { startWorker } from '../../threads/start-worker.js';

const WORKER = new URL('./analytics-worker.ts', import.meta.url);

interface Pending {
  resolve(f: AnalyticsFacts): void;
  reject(e: unknown): void;
}

export class ThreadedAnalytics implements AnalyticsQuery {
  #worker: Worker | null = null;
  #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(private readonly file: string) {}

  facts(window: TimeWindow, criteria: UnansweredCriteria): Promise<AnalyticsFacts> {
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, window, criteria });
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }

  #start(): Worker {
    const worker = startWorker(WORKER, { file: this.file });
    this.#worker = worker;
    worker.on('message', (m: { id: number; facts?: AnalyticsFacts; error?: string }) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.facts) p.resolve(m.facts);
      else p.reject(new AppError('INTERNAL', `analytics query failed: ${m.error}`));
    });
    worker.on('error', () => {});
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = null;
      for (const p of this.#pending.values()) p.reject(new AppError('INTERNAL', 'the analytics thread stopped; try again'));
      this.#pending.clear();
    });
    return worker;
  }
}

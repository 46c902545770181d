/**
 * Understanding on other cores. Parsing is the largest piece of a turn that
 * needs nothing but the text (~0.2 ms of a webhook message's ~0.8 ms of
 * CPU), so with PARSE_THREADS=n it runs on n worker threads, each holding
 * its own copy of the serving model, while the event loop does HTTP,
 * WeChat's crypto, the dialogue and SQLite. Everything else stays in one
 * thread: per-user order, the single SQLite writer and group commit are
 * unchanged.
 *
 * The holder stays the authority on which model serves. The event loop
 * keeps its own loaded copy (the parse API, readiness, and the fallback),
 * so a hot swap never waits: when the holder's version changes, parses run
 * in-process on the new model while threads for it start, and the old
 * threads are ended once the new ones are ready. A thread that fails or
 * exits has its messages parsed in-process; none is lost, and the thread
 * is started again after a pause. A parse takes well under a millisecond;
 * one that is still running after `timeoutMs` (a pathological input) fails
 * its own turn with PARSE_TIMEOUT, and its thread is replaced, so one
 * message cannot stop understanding for everyone: on the event loop it
 * would have stopped the whole server.
 *
 * Cost: a model and a V8 heap per thread, 80–180 MB more resident memory
 * per thread in the benchmark.
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { AppError } from '../core/errors.js';
import type { Parse } from '../core/parse.js';
import { startWorker } from '../threads/start-worker.js';
import type { ModelHolder } from './model-holder.js';

interface Pending {
  text: string;
  now: Date;
  sentAt: number;
  resolve(p: Parse): void;
  reject(e: unknown): void;
}

interface Thread {
  worker: Worker;
  version: string;
  ready: boolean;
  /** Being ended on purpose (a newer version is ready, or close). */
  ending: boolean;
  pending: Map<number, Pending>;
}

export interface ParsePoolOptions {
  threads: number;
  holder: ModelHolder;
  /** The artifact directory of a model version. */
  dirOf(version: string): string;
  log: Logger;
  /** How long a failed thread waits before it is started again. */
  restartMs?: number;
  /** A parse still running after this long fails, and its thread is replaced (default 2000). */
  timeoutMs?: number;
  /** The thread's module (tests substitute one). */
  worker?: URL;
}

const WORKER = new URL('./parse-worker.ts', import.meta.url);

export class ParsePool {
  #threads: Thread[] = [];
  #version: string | null = null;
  #nextId = 1;
  #closed = false;
  readonly #timeoutMs: number;
  readonly #watchdog: NodeJS.Timeout;

  constructor(private readonly o: ParsePoolOptions) {
    this.#timeoutMs = o.timeoutMs ?? 2000;
    this.#watchdog = setInterval(() => this.#watch(), Math.max(10, this.#timeoutMs / 4));
    this.#watchdog.unref();
    const model = o.holder.current;
    if (model) this.#start(model.version);
  }

  /** Parses on a thread of the serving version if one is ready, else here. */
  parse(text: string, now: Date): Promise<Parse> | Parse {
    const model = this.o.holder.current;
    if (!model) throw new Error('no model loaded');
    if (this.#version !== model.version) this.#start(model.version);
    let best: Thread | undefined;
    for (const t of this.#threads) if (t.ready && t.version === model.version && (!best || t.pending.size < best.pending.size)) best = t;
    if (!best) return model.parse(text, now);
    const thread = best;
    const id = this.#nextId++;
    return new Promise<Parse>((resolve, reject) => {
      thread.pending.set(id, { text, now, sentAt: Date.now(), resolve, reject });
      thread.worker.postMessage({ id, text, now: now.getTime() });
    });
  }

  /** Threads ready for the serving version. */
  get readyThreads(): number {
    return this.#threads.filter((t) => t.ready && t.version === this.#version).length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watchdog);
    const threads = this.#threads;
    this.#threads = [];
    await Promise.all(threads.map((t) => this.#end(t)));
  }

  /** Threads for a new version; the old ones end once a new one is ready. */
  #start(version: string): void {
    this.#version = version;
    for (let i = 0; i < this.o.threads; i++) this.#spawn(version);
  }

  #spawn(version: string): void {
    if (this.#closed) return;
    const worker = startWorker(this.o.worker ?? WORKER, { dir: this.o.dirOf(version) });
    const thread: Thread = { worker, version, ready: false, ending: false, pending: new Map() };
    this.#threads.push(thread);
    worker.on('message', (m: { ready?: string; id?: number; parse?: Parse; error?: string }) => {
      if (m.ready !== undefined) {
        thread.ready = true;
        this.o.log.info({ version }, 'parse thread ready');
        for (const old of this.#threads) if (old.version !== this.#version) void this.#end(old);
        return;
      }
      const p = thread.pending.get(m.id as number);
      if (!p) return;
      thread.pending.delete(m.id as number);
      // A parse that failed on the thread is done again here, where it fails the turn the usual way.
      if (m.parse) p.resolve(m.parse);
      else this.#settleHere(p);
    });
    worker.on('error', (err) => this.o.log.error({ err, version }, 'parse thread failed'));
    worker.on('exit', (code) => {
      this.#threads = this.#threads.filter((t) => t !== thread);
      if (!thread.ending && !this.#closed) {
        this.o.log.error({ code, version }, 'parse thread exited; its messages are parsed here, and it is started again');
        this.#replaceLater(version);
      }
      this.#drain(thread);
    });
  }

  /** Fails a parse that has run too long, and replaces its thread; the messages behind it are parsed here. */
  #watch(): void {
    const now = Date.now();
    for (const thread of this.#threads) {
      const [oldest] = thread.pending;
      if (!oldest || thread.ending || now - oldest[1].sentAt < this.#timeoutMs) continue;
      const [id, stuck] = oldest;
      thread.pending.delete(id);
      // The text may be personal: only its length is logged.
      this.o.log.error(
        { version: thread.version, length: stuck.text.length, ms: now - stuck.sentAt },
        'parse timed out; replacing its thread',
      );
      stuck.reject(new AppError('PARSE_TIMEOUT'));
      void this.#end(thread, { now: true });
      this.#replaceLater(thread.version);
    }
  }

  /** A thread of this version, after a pause, if the version still serves (#spawn does nothing once closed). */
  #replaceLater(version: string): void {
    setTimeout(() => {
      if (this.#version === version) this.#spawn(version);
    }, this.o.restartMs ?? 5000).unref();
  }

  #settleHere(p: Pending): void {
    try {
      const model = this.o.holder.current;
      if (!model) throw new Error('no model loaded');
      p.resolve(model.parse(p.text, p.now));
    } catch (e) {
      p.reject(e);
    }
  }

  /** Messages a thread will not answer are parsed here. */
  #drain(thread: Thread): void {
    for (const p of thread.pending.values()) this.#settleHere(p);
    thread.pending.clear();
  }

  async #end(thread: Thread, o: { now?: boolean } = {}): Promise<void> {
    if (thread.ending) return;
    thread.ending = true;
    this.#threads = this.#threads.filter((t) => t !== thread);
    // Answered first (a terminated thread drops what it was doing), unless it is stuck:
    // then the parse it is stuck on fails, and the rest are parsed here.
    const until = Date.now() + this.#timeoutMs;
    while (thread.pending.size > 0 && !this.#closed && !o.now && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    const [stuck] = thread.pending;
    if (stuck && !this.#closed && !o.now) {
      thread.pending.delete(stuck[0]);
      stuck[1].reject(new AppError('PARSE_TIMEOUT'));
    }
    this.#drain(thread);
    await thread.worker.terminate();
  }
}

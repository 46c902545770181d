/**
 * Hot swap: promotion happens in another process (`npm run retrain`,
 * `npm run model:rollback`), which only moves the CURRENT pointer. The
 * server looks at the pointer every few seconds; when it names another
 * version, the artifact is loaded and warmed up beside the serving model
 * and then published with one assignment (ModelHolder.swap), so a message
 * is parsed by the old model or the new one, never by a half-loaded one. A
 * version that fails to load is logged once and skipped; the old model
 * keeps serving.
 */
import type { Logger } from 'pino';
import { AppError } from '../core/errors.js';
import { loadArtifactAsync } from './artifact.js';
import type { NluModel } from './model.js';
import type { ModelHolder } from './model-holder.js';
import type { ModelStore } from './model-store.js';
import { warmUpYielding } from './warm-up.js';

export type WatchResult = 'unchanged' | 'swapped' | 'failed';

export interface ModelWatcherOptions {
  store: ModelStore;
  holder: ModelHolder;
  /** 0 or less: never look (start() does nothing). */
  intervalMs: number;
  log: Logger;
  /** Tests substitute a failing loader. */
  load?: (dir: string) => Promise<NluModel>;
}

export class ModelWatcher {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<WatchResult> | null = null;
  /** The version that failed to load, not retried until CURRENT names another. */
  #failed: string | null = null;

  constructor(private readonly o: ModelWatcherOptions) {}

  start(): void {
    if (this.o.intervalMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => void this.check(), this.o.intervalMs);
    // The watcher alone must not keep a process alive.
    this.#timer.unref();
  }

  /** Stops looking and waits for a load in progress to finish. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** One look at CURRENT (a look already in progress is shared, never doubled). */
  check(): Promise<WatchResult> {
    this.#running ??= this.#check().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #check(): Promise<WatchResult> {
    const { store, holder, log } = this.o;
    let version: string | null;
    try {
      version = store.currentVersion();
    } catch (e) {
      log.warn({ err: e }, 'could not read the CURRENT model pointer');
      return 'failed';
    }
    if (!version || version === holder.current?.version || version === this.#failed) return 'unchanged';
    const started = performance.now();
    try {
      const model = await (this.o.load ?? loadArtifactAsync)(store.pathOf(version));
      if (model.version !== version) throw new AppError('MODEL_INVALID', `${store.pathOf(version)} holds version ${model.version}`);
      await warmUpYielding(model);
      const previous = holder.swap(model);
      this.#failed = null;
      log.info({ version, previous: previous?.version ?? null, ms: Math.round(performance.now() - started) }, 'model swapped');
      return 'swapped';
    } catch (e) {
      this.#failed = version;
      log.error(
        { version, err: e, serving: holder.current?.version ?? null },
        'new model failed to load; the previous model keeps serving',
      );
      return 'failed';
    }
  }
}

/**
 * Models for maintainers in the console: the versions, retraining and
 * rollback. A retrain runs `scripts/retrain.ts` — the same code and gate as
 * `npm run retrain`, for the intent model and the dispatch model — in a child process, so training (CPU and ~900 MB of
 * memory) never runs on the server's request path; its progress lines are
 * kept for the page. A promotion moves the CURRENT pointer, and the model
 * watcher swaps the new model in without a restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { AppError } from '../core/errors.js';
import type { ModelRegistry, ModelVersionRecord } from '../core/model-registry.js';
import type { StaffStore, StaffUser } from '../core/staff.js';
import type { ModelHolder } from '../nlu/model-holder.js';
import type { ModelStore } from '../nlu/model-store.js';
import { registerDiskVersions, rollbackTo } from '../nlu/model-versions.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KEEP_LINES = 200;
/** Terminal colour and cursor codes in the child's progress lines. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

export interface RetrainJob {
  id: number;
  by: string;
  force: string | null;
  startedAt: number;
  finishedAt: number | null;
  /** running; promoted (gate passed, or forced); refused (the gate said no); failed. */
  status: 'running' | 'promoted' | 'refused' | 'failed';
  /** The last progress line, for a one-line display. */
  progress: string;
  log: string[];
}

export interface ModelDeskOptions {
  registry: ModelRegistry;
  store: ModelStore;
  holder: ModelHolder;
  staff: StaffStore;
  /** The dispatch (派单) model, retrained by the same job: shown beside the intent model. */
  dispatch?: { registry: ModelRegistry; store: ModelStore; holder: ModelHolder };
  /** Environment for the child (DATA_DIR, CORPUS_DIR as the server has them). */
  env: Record<string, string>;
  clock: () => Date;
  log: Logger;
}

export interface ModelOverview {
  serving: string | null;
  current: string | null;
  versions: ModelVersionRecord[];
}

async function modelOverview(m: { registry: ModelRegistry; store: ModelStore; holder: ModelHolder }): Promise<ModelOverview> {
  await registerDiskVersions(m.registry, m.store);
  return { serving: m.holder.current?.version ?? null, current: m.store.currentVersion(), versions: await m.registry.list() };
}

export class ModelDesk {
  private job: RetrainJob | null = null;
  private child: ChildProcess | null = null;
  private jobs = 0;

  constructor(private readonly o: ModelDeskOptions) {}

  async overview(): Promise<
    ModelOverview & {
      job: RetrainJob | null;
      /** The dispatch model (null when the app runs without one). */
      dispatch: ModelOverview | null;
    }
  > {
    return {
      ...(await modelOverview(this.o)),
      job: this.job,
      dispatch: this.o.dispatch ? await modelOverview(this.o.dispatch) : null,
    };
  }

  startRetrain(user: StaffUser, force: string | null): RetrainJob {
    if (this.job?.status === 'running') throw new AppError('CONFLICT', '已有一次训练正在进行，请等待它结束');
    if (force !== null && !force.trim()) throw new AppError('BAD_REQUEST', 'A forced promotion needs a reason');
    const job: RetrainJob = {
      id: ++this.jobs,
      by: user.name,
      force,
      startedAt: this.o.clock().getTime(),
      finishedAt: null,
      status: 'running',
      progress: '准备训练…',
      log: [],
    };
    this.job = job;
    const args = ['--import', 'tsx', path.join(ROOT, 'scripts/retrain.ts'), '--by', user.name, ...(force ? ['--force', force] : [])];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...this.o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r|\n/)) {
        const clean = line.replace(ANSI, '').trimEnd();
        if (!clean) continue;
        job.log.push(clean);
        if (job.log.length > KEEP_LINES) job.log.shift();
        job.progress = clean;
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.on('error', (e) => {
      job.status = 'failed';
      job.progress = e.message;
      job.finishedAt = this.o.clock().getTime();
    });
    child.on('close', (code) => {
      this.child = null;
      job.finishedAt = this.o.clock().getTime();
      job.status = code === 0 ? 'promoted' : code === 2 ? 'refused' : 'failed';
      void this.o.staff
        .audit({
          staffId: null,
          action: `retrain_${job.status}`,
          target: String(job.id),
          details: { by: job.by, force: job.force },
          now: job.finishedAt,
        })
        .catch((e) => this.o.log.error({ err: e }, 'audit failed'));
      this.o.log.info({ job: job.id, status: job.status }, 'retrain finished');
    });
    return job;
  }

  async rollback(user: StaffUser, version: string): Promise<{ from: string | null; to: ModelVersionRecord }> {
    return rollbackTo(this.o.registry, this.o.store, version, user.name, this.o.clock().getTime());
  }

  /** Stops a running training (server shutdown). */
  stop(): void {
    this.child?.kill('SIGTERM');
  }
}

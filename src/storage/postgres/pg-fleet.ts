/**
 * The fleet's coordination on PostgreSQL (DATABASE_URL): per-citizen and
 * token locks on a pool of their own, LISTEN/NOTIFY for the console's live
 * updates, job ticks and rate-limit counters on the storage pool, and
 * leadership (the Wechaty bot) on a connection of its own per role.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Fleet } from '../../core/fleet.js';
import { startFleetJob } from '../../fleet/fleet-job.js';
import { PgJobTicks } from './pg-job-ticks.js';
import { PgLeadership, type PgLeadershipOptions } from './pg-leadership.js';
import { PgLocks } from './pg-locks.js';
import { PgNotifyBus } from './pg-notify-bus.js';
import { PgRateCounter } from './pg-rate-counter.js';

export interface PgFleetOptions {
  url: string;
  /** The storage pool (job claims, counters, NOTIFY). */
  pool: pg.Pool;
  /** Lock connections: at most this many citizens' turns in progress at once on this instance. */
  lockPoolMax?: number;
  onError?: (e: Error, what: string) => void;
  /** Leadership's log (gained, lost, waiting for a previous leader). */
  log?: Logger;
  /** Leadership's timings (tests shorten them). */
  leadership?: Pick<PgLeadershipOptions, 'retryMs' | 'checkMs' | 'handoverMs'>;
}

export interface PgFleet extends Fleet {
  readonly bus: PgNotifyBus;
  readonly rates: PgRateCounter;
  readonly leadership: PgLeadership;
  readonly instance: string;
}

/** Rate-limit windows are a minute; an hour-old one is long dead. */
const RATE_ROWS_KEPT_MS = 3600_000;

export async function openPgFleet(o: PgFleetOptions): Promise<PgFleet> {
  const instance = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const lockPool = new pg.Pool({
    connectionString: o.url,
    max: o.lockPoolMax ?? 20,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'wenzheng-locks',
  });
  lockPool.on('error', (e) => o.onError?.(e, 'lock connection'));
  const waitListeners: Array<(seconds: number) => void> = [];
  const bus = new PgNotifyBus({ url: o.url, pool: o.pool, instance, onError: o.onError });
  await bus.start();
  const jobs = new PgJobTicks(o.pool, instance);
  const rates = new PgRateCounter(o.pool);
  const purge = startFleetJob({
    name: 'rate-limit-purge',
    intervalMs: 10 * 60_000,
    jobs,
    run: () => rates.purge(RATE_ROWS_KEPT_MS),
    onError: (e) => o.onError?.(e as Error, 'rate-limit purge'),
  });
  const leadership = new PgLeadership({ url: o.url, pool: o.pool, instance, log: o.log, ...o.leadership });
  return {
    instance,
    leadership,
    locks: new PgLocks(lockPool, {
      onWait: (seconds) => {
        for (const l of waitListeners) l(seconds);
      },
    }),
    watchLockWaits: (listener) => void waitListeners.push(listener),
    bus,
    jobs,
    rates,
    close: async () => {
      purge.stop();
      await leadership.close();
      await bus.close();
      await lockPool.end();
    },
  };
}

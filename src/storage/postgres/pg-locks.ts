/**
 * Fleet-wide locks on PostgreSQL session advisory locks
 * (pg_advisory_lock(hashtext(key))), each held on a connection of a pool of
 * its own for the whole of the work: a turn holds its citizen's lock from
 * loading the conversation to after its commit, and the commit runs on the
 * storage pool, so lock holders can never starve the commits they wait for.
 * If the lock connection dies, PostgreSQL releases the lock with it; the
 * connection is then dropped from the pool instead of being reused.
 */
import type pg from 'pg';
import type { FleetLocks } from '../../core/fleet.js';
import { isConnectionError, translate } from './pg-database.js';

export interface PgLocksOptions {
  /** Told how long each acquisition waited (seconds), for the lock-wait histogram. */
  onWait?: (seconds: number) => void;
}

export class PgLocks implements FleetLocks {
  constructor(
    private readonly pool: pg.Pool,
    private readonly o: PgLocksOptions = {},
  ) {}

  async hold<T>(key: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let client: pg.PoolClient | undefined;
    let broken: Error | undefined;
    // A held connection that dies while idle (between the lock and the unlock) says so here, not as a crash.
    const dead = (e: Error) => {
      broken = e;
    };
    // An idle pooled connection the server ended (a restart, pg_terminate_backend) fails at its
    // first query: taking the lock has done nothing yet, so it is tried once more on a fresh
    // connection, as PgDatabase retries a transaction whose BEGIN found its connection dead.
    for (let attempt = 1; ; attempt++) {
      try {
        client = await this.pool.connect();
        client.on('error', dead);
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
        break;
      } catch (e) {
        client?.off('error', dead);
        client?.release(e as Error);
        client = undefined;
        broken = undefined;
        if (attempt === 1 && isConnectionError(e)) continue;
        throw translate(e);
      }
    }
    this.o.onWait?.((performance.now() - started) / 1000);
    try {
      return await work();
    } finally {
      if (!broken) {
        try {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
        } catch (e) {
          // The connection is gone, and the lock with it.
          broken = e as Error;
        }
      }
      client.off('error', dead);
      client.release(broken);
    }
  }
}

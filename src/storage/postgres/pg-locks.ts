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
import { connectLive } from './pg-database.js';

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
    // Taking the lock does nothing on a connection the server had ended, so it is safe to try again.
    const { client, release } = await connectLive(this.pool, (c) => c.query('SELECT pg_advisory_lock(hashtext($1))', [key]));
    // A held connection that dies while idle (between the lock and the unlock) says so here, not as a crash.
    let broken: Error | undefined;
    const dead = (e: Error) => {
      broken = e;
    };
    client.on('error', dead);
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
      release(broken);
    }
  }
}

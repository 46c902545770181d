/**
 * Rate-limit counters shared by the fleet: one UPSERT per request on an
 * UNLOGGED table (counters need no crash safety nor replication, and skip
 * the WAL), a fixed window per key as @fastify/rate-limit's own memory
 * store counts. Windows long past are deleted by a fleet job (purge).
 */
import type pg from 'pg';
import type { RateCounter } from '../../core/fleet.js';
import { queryLive, translate } from './pg-database.js';

const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

const INCR = {
  name: 'rate_limit_incr',
  text: `WITH now AS (SELECT ${NOW_MS} AS ms)
         INSERT INTO rate_limits AS r (key, window_start, count) SELECT $1, ms, 1 FROM now
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN r.window_start + $2 <= (SELECT ms FROM now) THEN 1 ELSE r.count + 1 END,
           window_start = CASE WHEN r.window_start + $2 <= (SELECT ms FROM now) THEN (SELECT ms FROM now) ELSE r.window_start END
         RETURNING count, r.window_start + $2 - (SELECT ms FROM now) AS ttl`,
};

export class PgRateCounter implements RateCounter {
  constructor(private readonly pool: pg.Pool) {}

  async incr(key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
    try {
      // Counting a request twice on a connection that died under it errs the safe way.
      const r = await queryLive(this.pool, { ...INCR, values: [key, windowMs] });
      const row = r.rows[0] as { count: number | string; ttl: number | string } | undefined;
      if (!row) throw new Error('rate_limit_incr returned no row');
      return { current: Number(row.count), ttl: Math.max(0, Number(row.ttl)) };
    } catch (e) {
      throw translate(e);
    }
  }

  /** Deletes windows that ended more than `olderThanMs` ago. */
  async purge(olderThanMs: number): Promise<number> {
    try {
      const r = await this.pool.query(`DELETE FROM rate_limits WHERE window_start < ${NOW_MS} - $1`, [olderThanMs]);
      return r.rowCount ?? 0;
    } catch (e) {
      throw translate(e);
    }
  }
}

/**
 * Claims a background job's tick for one instance of the fleet: one
 * UPSERT on fleet_jobs moves the job's next_run_at forward only where it is
 * due, and the row lock makes concurrent claims take turns, so exactly one
 * of them sees the row returned. Times are the database's clock, the one
 * clock every instance shares.
 */
import type pg from 'pg';
import type { JobTicks } from '../../core/fleet.js';
import { translate } from './pg-database.js';

const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

const CLAIM = {
  name: 'fleet_job_claim',
  text: `INSERT INTO fleet_jobs (name, next_run_at, claimed_by) VALUES ($1, ${NOW_MS} + $2, $3)
         ON CONFLICT (name) DO UPDATE SET next_run_at = EXCLUDED.next_run_at, claimed_by = EXCLUDED.claimed_by
         WHERE fleet_jobs.next_run_at <= ${NOW_MS}
         RETURNING name`,
};

export class PgJobTicks implements JobTicks {
  constructor(
    private readonly pool: pg.Pool,
    /** Who claimed, for an operator reading fleet_jobs. */
    private readonly instance: string,
  ) {}

  async claim(job: string, intervalMs: number): Promise<boolean> {
    try {
      const r = await this.pool.query({ ...CLAIM, values: [job, intervalMs, this.instance] });
      return (r.rowCount ?? 0) > 0;
    } catch (e) {
      throw translate(e);
    }
  }
}

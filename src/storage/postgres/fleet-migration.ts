/**
 * The tables of the fleet's coordination (appended to PG_MIGRATIONS):
 * background job ticks, and rate-limit counters (UNLOGGED: not crash-safe
 * nor replicated, which counters of one minute do not need, and no WAL
 * written per request).
 */
export const FLEET_MIGRATION = `
  CREATE TABLE fleet_jobs (
    name TEXT PRIMARY KEY,
    next_run_at BIGINT NOT NULL,
    claimed_by TEXT NOT NULL
  );
  CREATE UNLOGGED TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count INTEGER NOT NULL
  );
  CREATE INDEX rate_limits_by_window ON rate_limits (window_start);
`;

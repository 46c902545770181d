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

/**
 * Who last led each role (pg-leadership.ts), and whether its duty has
 * stopped: an instance that takes a role over after another lost it waits
 * for stopped_at before starting the duty (no two Wechaty logins at once).
 * The lock itself is an advisory lock; this row only records the handover.
 */
export const LEADERS_MIGRATION = `
  CREATE TABLE fleet_leaders (
    role TEXT PRIMARY KEY,
    instance TEXT NOT NULL,
    since BIGINT NOT NULL,
    stopped_at BIGINT
  );
`;

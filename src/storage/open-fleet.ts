/**
 * Opens the fleet's coordination for the storage in use: on PostgreSQL,
 * locks, the LISTEN/NOTIFY bus, job ticks, shared rate limits and
 * leadership (loaded only then, like pg itself); on SQLite, the fleet of one
 * process.
 */
import type { Logger } from 'pino';
import type { Fleet } from '../core/fleet.js';
import { localFleet } from '../fleet/local-fleet.js';
import type { AnyStorage } from './open-storage.js';
import type { PgFleetOptions } from './postgres/pg-fleet.js';

export async function openFleet(
  storage: AnyStorage,
  o: { poolMax?: number; log?: Logger; leadership?: PgFleetOptions['leadership'] } = {},
): Promise<Fleet> {
  if (storage.kind !== 'postgres') return localFleet();
  const { openPgFleet } = await import('./postgres/pg-fleet.js');
  return openPgFleet({
    url: storage.db.url,
    pool: storage.db.pool,
    // As many citizens' turns in progress at once as the storage pool has connections to commit them.
    lockPoolMax: o.poolMax,
    log: o.log,
    leadership: o.leadership,
    onError: (e, what) => o.log?.warn({ err: e, what }, 'fleet coordination: a database connection failed; it reconnects'),
  });
}

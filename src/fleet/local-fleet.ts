/**
 * The fleet of one: a single process on SQLite. Locks have nothing to
 * exclude beyond the in-process ordering callers already do, there is no
 * other instance to tell, every tick is this process's own, and it always
 * leads.
 */
import type { Fleet } from '../core/fleet.js';
import { everyTick } from './fleet-job.js';
import { alwaysLeader } from './local-leadership.js';

export function localFleet(): Fleet {
  return {
    locks: { hold: (_key, work) => work() },
    bus: { publish() {}, subscribe: () => () => {} },
    jobs: everyTick,
    leadership: alwaysLeader,
    close: async () => {},
  };
}

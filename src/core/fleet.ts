/**
 * Ports for running several instances on one database (a fleet). Each has an
 * in-process implementation (src/fleet/local-fleet.ts: one process on
 * SQLite, today's behaviour) and a PostgreSQL one (src/storage/postgres/).
 */

/** Mutual exclusion across every instance, by key. */
export interface FleetLocks {
  /**
   * Runs `work` while this instance holds the lock named `key`; any other
   * instance asking for the same key waits until `work` has settled (its
   * transaction committed). Callers still serialise a key in-process first,
   * so an instance holds at most one lock per key.
   */
  hold<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** Small messages to every instance (the staff console's live updates). */
export interface FleetBus {
  /** Sends to the other instances; this instance's own listeners are not called (it delivers locally itself). */
  publish(topic: string, message: string): void;
  subscribe(topic: string, listener: (message: string) => void): () => void;
}

/** Background jobs run once per tick across the fleet, not once per instance. */
export interface JobTicks {
  /**
   * True for the one instance that takes this tick of `job`: no other
   * instance gets true for the same job until `intervalMs` has passed.
   */
  claim(job: string, intervalMs: number): Promise<boolean>;
}

/** Fixed-window request counters shared by the fleet (rate limits). */
export interface RateCounter {
  /** Counts one request under `key`; the count in its window and the milliseconds left in it. */
  incr(key: string, windowMs: number): Promise<{ current: number; ttl: number }>;
}

/**
 * What only one instance of the fleet may run at a time (the Wechaty bot:
 * one login per account). `lead` starts it and must not throw (a duty that
 * fails to start retries by itself); `stepDown` stops it and resolves once
 * it has stopped (time-boxed by the duty).
 */
export interface LeaderDuty {
  lead(): Promise<void>;
  /** `reason`: resigned (shutting down), or why this instance's hold on the role was lost. */
  stepDown(reason: string): Promise<void>;
}

export interface Campaign {
  /** True from this instance taking the role until it starts stepping down. */
  readonly leading: boolean;
  /** Stops campaigning: a leader steps down first, then lets another instance take over at once. */
  resign(): Promise<void>;
}

/**
 * One leader per role across the fleet. An instance that loses its hold
 * (its database connection died while the process lives) steps down, and
 * another instance starts the duty only after the loser has stopped it or
 * could no longer be running it.
 */
export interface Leadership {
  /** Campaigns for `role` until resigned: the duty runs on this instance while it leads. */
  campaign(role: string, duty: LeaderDuty): Campaign;
}

export interface Fleet {
  readonly locks: FleetLocks;
  readonly leadership: Leadership;
  readonly bus: FleetBus;
  readonly jobs: JobTicks;
  /** Absent in one process: the rate limiter counts in memory. */
  readonly rates?: RateCounter;
  /** Tells `listener` how long each per-citizen lock took to acquire (seconds); absent where locks never wait. */
  watchLockWaits?(listener: (seconds: number) => void): void;
  close(): Promise<void>;
}

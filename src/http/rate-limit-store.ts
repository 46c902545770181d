/**
 * @fastify/rate-limit's extension point for where counts live: a store
 * class. This one counts through the fleet's RateCounter (PostgreSQL), so a
 * limit holds across every instance instead of per instance. Each route
 * plugin names its own namespace: the same key ("ip:…") counted by two
 * plugins must not share one counter.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateCounter } from '../core/fleet.js';

export function sharedRateLimitStore(counter: RateCounter, namespace: string): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    private readonly windowMs: number;

    // The plugin hands its global options, timeWindow among them (left out of its types).
    constructor(options: { timeWindow?: unknown }) {
      this.windowMs = typeof options.timeWindow === 'number' ? options.timeWindow : 60_000;
    }

    // The plugin passes the route's window as a third argument (its types leave it out).
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow?: number): void {
      counter.incr(`${namespace}:${key}`, typeof timeWindow === 'number' ? timeWindow : this.windowMs).then(
        (r) => callback(null, r),
        (e: Error) => callback(e),
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

/** The options every route plugin registers the limiter with: a minute's window, counted in the fleet when there is one. */
export function rateLimitOptions(rates: RateCounter | undefined, namespace: string) {
  return { global: false, timeWindow: 60_000, ...(rates ? { store: sharedRateLimitStore(rates, namespace) } : {}) };
}

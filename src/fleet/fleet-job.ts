/**
 * Runs a background job every interval, on the one instance of the fleet
 * that claims the tick (JobTicks). The claim lasts a little less than the
 * interval, so timers drifting by a few milliseconds between instances do
 * not skip a tick; at most one instance runs each tick.
 */
import type { JobTicks } from '../core/fleet.js';

export interface FleetJobOptions {
  name: string;
  intervalMs: number;
  jobs: JobTicks;
  run: () => Promise<unknown>;
  onError: (e: unknown) => void;
  /** Also try at start (the retention purge does). */
  immediately?: boolean;
}

const CLAIM_SHARE = 0.9;

export function startFleetJob(o: FleetJobOptions): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      if (await o.jobs.claim(o.name, Math.floor(o.intervalMs * CLAIM_SHARE))) await o.run();
    } catch (e) {
      o.onError(e);
    } finally {
      running = false;
    }
  };
  if (o.immediately) void tick();
  const timer = setInterval(() => void tick(), o.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** One process: every tick is its own. */
export const everyTick: JobTicks = { claim: async () => true };

/**
 * Live updates for the console: an in-process publish/subscribe of small
 * events (what changed, never the content; the console fetches that through
 * the API, where roles are checked). With several instances, events also
 * travel over the fleet's bus (PostgreSQL LISTEN/NOTIFY), so a console on
 * any instance sees what happened on every other one.
 */
import type { FleetBus } from '../core/fleet.js';

export interface StaffEvent {
  type:
    | 'handoff.created'
    | 'handoff.claimed'
    | 'handoff.released'
    | 'handoff.closed'
    | 'handoff.callback'
    | 'handoff.message'
    /** A reply that was waiting (web chat not yet polled, WeChat window closed) reached the citizen. */
    | 'handoff.delivered'
    | 'handoff.rated';
  handoffId: string;
  by?: { id: string; name: string };
}

const TOPIC = 'staff';

export class StaffEvents {
  private readonly listeners = new Set<(e: StaffEvent) => void>();

  constructor(private readonly bus?: FleetBus) {
    bus?.subscribe(TOPIC, (message) => {
      let e: StaffEvent;
      try {
        e = JSON.parse(message) as StaffEvent;
      } catch {
        return;
      }
      if (typeof e?.type === 'string' && typeof e.handoffId === 'string') this.deliver(e);
    });
  }

  publish(e: StaffEvent): void {
    this.deliver(e);
    this.bus?.publish(TOPIC, JSON.stringify(e));
  }

  private deliver(e: StaffEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(e);
      } catch {
        // One broken listener (a closed stream) must not stop the others.
      }
    }
  }

  subscribe(listener: (e: StaffEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}

/**
 * Live updates for the console: an in-process publish/subscribe of small
 * events (what changed, never the content; the console fetches that through
 * the API, where roles are checked). Several instances will need a shared
 * bus (PostgreSQL LISTEN/NOTIFY) behind this same interface.
 */
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

export class StaffEvents {
  private readonly listeners = new Set<(e: StaffEvent) => void>();

  publish(e: StaffEvent): void {
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

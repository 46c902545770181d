/**
 * The consoles connected to this instance and what each of them hears of a
 * staff event. Who hears what is decided once per event for all of them
 * (StaffDesk.liveEvents, TicketDesk.liveEvents: the same sight rules as
 * reads), so an event costs an instance at most one query however many
 * consoles are open there. Deciding per console cost one query per
 * connected agent: ~50 per ticket change with 50 staff connected, on every
 * instance (test/staff/live-event-queries.test.ts counts them).
 */
import type { StaffUser } from '../core/staff.js';
import type { QueueChanged } from './desk.js';
import type { HandoffEvent, StaffEvent, StaffEvents, TicketChanged } from './events.js';

/** What a console is sent: an event as it happened, or only that the queue changed. */
export type LiveUpdate = HandoffEvent | TicketChanged | QueueChanged;

export interface LiveStreamsOptions {
  events: Pick<StaffEvents, 'subscribe'>;
  handoffs: { liveEvents(users: readonly StaffUser[], e: HandoffEvent): Promise<Array<HandoffEvent | QueueChanged | null>> };
  /** Absent where the storage has no ticket store: ticket events reach no console. */
  tickets?: { liveEvents(users: readonly StaffUser[], e: TicketChanged): Promise<Array<TicketChanged | null>> };
  /** Deciding who hears an event failed (the database): that event is not sent. */
  onError(err: unknown): void;
}

interface Console {
  user: StaffUser;
  send(update: LiveUpdate): void;
}

export class LiveStreams {
  private readonly consoles = new Set<Console>();
  /** One chain for the instance: every console gets its events in the order they happened. */
  private sending = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(private readonly o: LiveStreamsOptions) {
    this.unsubscribe = o.events.subscribe((e) => this.heard(e));
  }

  /** A console connected: `send` gets what it may hear of each event from now on, until the returned function is called. */
  connect(user: StaffUser, send: (update: LiveUpdate) => void): () => void {
    const c: Console = { user, send };
    this.consoles.add(c);
    return () => this.consoles.delete(c);
  }

  close(): void {
    this.unsubscribe();
    this.consoles.clear();
  }

  private heard(e: StaffEvent): void {
    // Those connected when it happened: a console hears nothing from before it connected.
    const audience = [...this.consoles];
    if (audience.length === 0) return;
    this.sending = this.sending
      .then(async () => {
        const users = audience.map((c) => c.user);
        const updates =
          e.type === 'ticket.changed' ? await this.o.tickets?.liveEvents(users, e) : await this.o.handoffs.liveEvents(users, e);
        audience.forEach((c, i) => {
          const update = updates?.[i];
          if (!update || !this.consoles.has(c)) return;
          try {
            c.send(update);
          } catch (err) {
            // One broken stream must not keep the event from the others.
            this.o.onError(err);
          }
        });
      })
      .catch((err: unknown) => this.o.onError(err));
  }
}

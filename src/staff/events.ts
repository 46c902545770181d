/**
 * Live updates for the console: an in-process publish/subscribe of small
 * events (what changed, never the content; the console fetches that through
 * the API, where roles and departments are checked). With several
 * instances, events also travel over the fleet's bus (PostgreSQL
 * LISTEN/NOTIFY), so a console on any instance sees what happened on every
 * other one.
 */
import type { FleetBus } from '../core/fleet.js';

export const HANDOFF_EVENT_TYPES = [
  'handoff.created',
  'handoff.claimed',
  'handoff.released',
  'handoff.closed',
  'handoff.callback',
  'handoff.message',
  /** A reply that was waiting (web chat not yet polled, WeChat window closed) reached the citizen. */
  'handoff.delivered',
  'handoff.rated',
] as const;

type Actor = { id: string; name: string };

/** Something happened to a handed-off conversation. */
export interface HandoffEvent {
  type: (typeof HANDOFF_EVENT_TYPES)[number];
  handoffId: string;
  by?: Actor;
}

export const TICKET_CHANGES = ['filed', 'dispatched', 'department', 'status', 'note'] as const;

/**
 * A ticket was filed or changed. `department` is where it is now (null:
 * 待分派); `from`, on a dispatch or a department change, where it was, so
 * the staff whose list it left hear of it too.
 */
export interface TicketChanged {
  type: 'ticket.changed';
  ticket: string;
  change: (typeof TICKET_CHANGES)[number];
  department: string | null;
  from?: string | null;
  by?: Actor;
}

export type StaffEvent = HandoffEvent | TicketChanged;

const TOPIC = 'staff';

export class StaffEvents {
  private readonly listeners = new Set<(e: StaffEvent) => void>();

  constructor(private readonly bus?: FleetBus) {
    bus?.subscribe(TOPIC, (message) => {
      const e = readStaffEvent(message);
      if (e) this.deliver(e);
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

const isOneOf = <T extends string>(list: readonly T[], v: unknown): v is T => list.includes(v as T);
const isDepartment = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isActor = (v: unknown): v is Actor | undefined =>
  v === undefined || (typeof v === 'object' && v !== null && typeof (v as Actor).id === 'string' && typeof (v as Actor).name === 'string');

/**
 * An event from another instance, checked before it reaches a console: a
 * message of a kind this instance does not know (an instance of another
 * version during a rolling update) or a malformed one is dropped.
 */
export function readStaffEvent(message: string): StaffEvent | null {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof e !== 'object' || e === null || !isActor(e.by)) return null;
  if (e.type === 'ticket.changed')
    return typeof e.ticket === 'string' &&
      isOneOf(TICKET_CHANGES, e.change) &&
      isDepartment(e.department) &&
      (e.from === undefined || isDepartment(e.from))
      ? (e as unknown as TicketChanged)
      : null;
  return isOneOf(HANDOFF_EVENT_TYPES, e.type) && typeof e.handoffId === 'string' ? (e as unknown as HandoffEvent) : null;
}

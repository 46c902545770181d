/**
 * The ticket work parts (issue 13), wired once the stores, the outbox and
 * the event bus exist: dispatch on filing (with its sweep), the citizen
 * notices, the staff's ticket desk, the consoles' live updates and the
 * /metrics gauges.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DepartmentClassifier, DepartmentCorrections } from '../core/dispatch.js';
import type { StaffStore } from '../core/staff.js';
import type { TicketStore } from '../core/tickets.js';
import type { Departments } from '../dispatch/departments.js';
import type { PrometheusTelemetry } from '../observability/prometheus.js';
import type { StaffEvents } from '../staff/events.js';
import type { CitizenOutbox } from '../staff/outbox.js';
import { CitizenNotice } from './citizen-notice.js';
import { TicketDispatcher } from './dispatcher.js';
import { parseDueDays } from './due-dates.js';
import { TicketDesk } from './ticket-desk.js';

export interface TicketWork {
  dispatcher: TicketDispatcher;
  desk: TicketDesk;
  /** A citizen's turn filed this ticket (it has committed): the consoles hear of it, then it is dispatched. */
  filed(reference: string): void;
}

export function composeTickets(o: {
  config: Pick<Config, 'TICKET_DUE_DAYS' | 'OFFICE_DAYS'>;
  tickets: TicketStore;
  staff: StaffStore;
  outbox: CitizenOutbox;
  events: StaffEvents;
  departments: Departments;
  /** Read at each ticket, so a hot-swapped model serves the next one; null: none loaded (待分派). */
  classifier: () => DepartmentClassifier | null;
  corrections: () => DepartmentCorrections | null;
  calendar: { holidays: ReadonlySet<string>; workdays: ReadonlySet<string> };
  messages: Readonly<Record<string, string>>;
  metrics: PrometheusTelemetry;
  clock: () => Date;
  log: Logger;
}): TicketWork {
  const log = o.log.child({ module: 'tickets' });
  const dispatcher = new TicketDispatcher({
    tickets: o.tickets,
    classifier: o.classifier,
    departments: o.departments,
    dueDays: parseDueDays(o.config.TICKET_DUE_DAYS, { complaint: 5, suggestion: 10, callback: 2, follow_up: 3 }),
    officeDays: o.config.OFFICE_DAYS,
    calendar: o.calendar,
    clock: o.clock,
    log: o.log.child({ module: 'dispatch' }),
    // Dispatch takes a ticket out of 待分派 (where it waited, department null): both lists hear of it.
    onDispatched: (reference, department) =>
      o.events.publish({ type: 'ticket.changed', ticket: reference, change: 'dispatched', department, from: null }),
  });
  // A handoff that became a callback ticket (WeChat window closed) is dispatched like any other.
  o.events.subscribe((e) => {
    if (e.type !== 'handoff.callback') return;
    void o.staff
      .handoff(e.handoffId)
      .then((h) => (h?.callbackReference ? dispatcher.dispatch(h.callbackReference) : undefined))
      .catch((err: unknown) => log.error({ err, handoff: e.handoffId }, 'callback ticket not dispatched; the sweep will'));
  });
  const desk = new TicketDesk({
    tickets: o.tickets,
    staff: o.staff,
    departments: o.departments,
    corrections: o.corrections,
    notice: new CitizenNotice({
      tickets: o.tickets,
      staff: o.staff,
      outbox: o.outbox,
      departments: o.departments,
      messages: o.messages,
      log,
    }),
    events: o.events,
    clock: o.clock,
    log,
  });
  o.metrics.tickets(() => o.tickets.counts(o.clock().getTime()));
  return {
    dispatcher,
    desk,
    filed(reference) {
      // Filed with no department: the 待分派 desk (and maintainers) see it until dispatch places it.
      o.events.publish({ type: 'ticket.changed', ticket: reference, change: 'filed', department: null });
      // After the commit, off the citizen's reply: see src/tickets/dispatcher.ts.
      void dispatcher.dispatch(reference);
    },
  };
}

/**
 * Dispatch on filing (派单). A ticket is filed inside the citizen's turn
 * with no department; once the turn has committed and the reply is on its
 * way, the dispatch model reads the ticket's text and the prediction, its
 * score, the alternatives and the model version are stored with it, with
 * its due date. Below the model's threshold the department stays null: the
 * 待分派 queue. Running after the commit means the model can neither slow
 * the citizen's reply nor fail their turn: a classifier that throws or
 * hangs (time-boxed) leaves the ticket filed, unassigned, and logged. A
 * sweep dispatches whatever a crash or restart left pending (and tickets
 * filed before dispatch existed); the conditional update makes a ticket
 * dispatched once even if two of these race.
 */

import type { Logger } from 'pino';
import type { WorkCalendar } from '../core/calendar.js';
import type { DepartmentClassifier, DepartmentPrediction } from '../core/dispatch.js';
import type { JobTicks } from '../core/fleet.js';
import type { Ticket, TicketStore } from '../core/tickets.js';
import { withTimeout } from '../core/time-box.js';
import type { Departments } from '../dispatch/departments.js';
import { everyTick, startFleetJob } from '../fleet/fleet-job.js';
import { type DueDays, dueAt } from './due-dates.js';

/** NLP.js classifies a ticket in milliseconds; past this something is wrong, and the ticket waits for staff. */
const CLASSIFY_TIMEOUT_MS = 5_000;

export interface DispatcherOptions {
  tickets: TicketStore;
  /** The dispatch model; none yet (not trained, failed to load): tickets go to 待分派. */
  classifier: () => DepartmentClassifier | null;
  departments: Departments;
  dueDays: DueDays;
  officeDays: readonly number[];
  calendar: WorkCalendar;
  clock: () => Date;
  log: Logger;
  /** Told of each ticket dispatched, with the department it went to (null: 待分派), for the consoles' live updates. */
  onDispatched?: (reference: string, department: string | null) => void;
}

/** The text the model reads: what the citizen described, and where. */
export const dispatchText = (t: Pick<Ticket, 'description' | 'location'>) =>
  t.location ? `${t.description} ${t.location}` : t.description;

export class TicketDispatcher {
  private timer: { stop(): void } | null = null;
  private readonly running = new Set<string>();

  constructor(private readonly o: DispatcherOptions) {}

  /** Dispatches one newly filed ticket; never throws (failures are logged, the ticket waits in 待分派). */
  async dispatch(reference: string): Promise<void> {
    if (this.running.has(reference)) return;
    this.running.add(reference);
    try {
      const t = await this.o.tickets.find(reference);
      if (t && t.dispatchState === 'pending') await this.decide(t);
    } catch (e) {
      this.o.log.error({ err: e, ticket: reference }, 'dispatch could not be recorded; the sweep will try again');
    } finally {
      this.running.delete(reference);
    }
  }

  private async decide(t: Ticket): Promise<void> {
    let prediction: DepartmentPrediction | null = null;
    let failed = false;
    const classifier = this.o.classifier();
    if (!classifier) {
      failed = true;
      this.o.log.warn({ ticket: t.reference }, 'no dispatch model: ticket left for staff in 待分派');
    } else {
      try {
        prediction = this.checked(await withTimeout(classifier.classify(dispatchText(t)), CLASSIFY_TIMEOUT_MS, 'dispatch model'));
      } catch (e) {
        failed = true;
        this.o.log.error({ err: e, ticket: t.reference }, 'dispatch model failed: ticket left for staff in 待分派');
      }
    }
    const now = this.o.clock().getTime();
    const due = dueAt(t.createdAt, this.o.dueDays[t.kind], this.o.officeDays, this.o.calendar);
    if (await this.o.tickets.recordDispatch({ reference: t.reference, prediction, failed, dueAt: due, now })) {
      this.o.log.info(
        { ticket: t.reference, department: prediction?.department ?? null, score: prediction?.score, model: prediction?.modelVersion },
        prediction?.department ? 'ticket dispatched' : 'ticket queued for manual dispatch (待分派)',
      );
      this.o.onDispatched?.(t.reference, prediction?.department ?? null);
    }
  }

  /** A model trained on a department the list no longer has must not assign tickets to it. */
  private checked(p: DepartmentPrediction): DepartmentPrediction {
    if (p.department !== null && !this.o.departments.get(p.department)) {
      this.o.log.warn({ department: p.department }, 'dispatch model predicted a department not in departments.yaml: 待分派');
      return { ...p, department: null };
    }
    return p;
  }

  /** Dispatches tickets still pending (after a crash or restart), oldest first. */
  async sweep(batch = 50): Promise<number> {
    const pending = await this.o.tickets.undispatched(batch);
    for (const t of pending) await this.dispatch(t.reference);
    return pending.length;
  }

  /** Sweeps at start and every interval; with several instances, only the one that claims the tick (`jobs`). */
  start(intervalMs = 60_000, jobs: JobTicks = everyTick): void {
    this.timer ??= startFleetJob({
      name: 'ticket-dispatch-sweep',
      intervalMs,
      jobs,
      immediately: true,
      run: () => this.sweep(),
      onError: (e) => this.o.log.error({ err: e }, 'dispatch sweep failed'),
    });
  }

  stop(): void {
    this.timer?.stop();
    this.timer = null;
  }
}

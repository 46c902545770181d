/**
 * Prometheus metrics (prom-client; this file is its only user), served at
 * GET /metrics. Counters and histograms are fed by the core through the
 * Telemetry port; the handoff queue is read from the store at scrape time.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RecordsQuery } from '../core/stores.js';
import type { Telemetry, TurnReport } from '../core/telemetry.js';
import type { TicketCounts } from '../core/tickets.js';

export class PrometheusTelemetry implements Telemetry {
  readonly registry = new Registry();
  private readonly messages: Counter<'channel' | 'outcome'>;
  private readonly intents: Counter<'intent'>;
  private readonly parseSeconds: Histogram;
  private readonly escalations: Counter<'reason' | 'priority'>;
  private readonly deadlineMisses: Counter<'channel'>;

  constructor(records?: RecordsQuery) {
    collectDefaultMetrics({ register: this.registry, prefix: 'wenzheng_' });
    this.messages = new Counter({
      name: 'wenzheng_messages_total',
      help: 'Citizen messages by channel and what the assistant did',
      labelNames: ['channel', 'outcome'],
      registers: [this.registry],
    });
    this.intents = new Counter({
      name: 'wenzheng_intents_total',
      help: 'Citizen messages by understood intent (None = not understood)',
      labelNames: ['intent'],
      registers: [this.registry],
    });
    this.parseSeconds = new Histogram({
      name: 'wenzheng_parse_seconds',
      help: 'Time of the understanding step (normalise to entities)',
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05],
      registers: [this.registry],
    });
    this.escalations = new Counter({
      name: 'wenzheng_escalations_total',
      help: 'Handoffs to a person by reason',
      labelNames: ['reason', 'priority'],
      registers: [this.registry],
    });
    this.deadlineMisses = new Counter({
      name: 'wenzheng_webhook_deadline_misses_total',
      help: 'Replies that missed the passive-reply deadline and went through the customer-service API',
      labelNames: ['channel'],
      registers: [this.registry],
    });
    if (records) {
      // Read at scrape time with one indexed query each, not by loading the handoff history.
      new Gauge({
        name: 'wenzheng_handoff_queue_length',
        help: 'Handoffs waiting for a person',
        registers: [this.registry],
        async collect() {
          this.set((await records.handoffQueue()).length);
        },
      });
      new Gauge({
        name: 'wenzheng_handoff_oldest_wait_seconds',
        help: 'How long the longest-waiting queued handoff has waited',
        registers: [this.registry],
        async collect() {
          const { oldestCreatedAt } = await records.handoffQueue();
          this.set(oldestCreatedAt === null ? 0 : (Date.now() - oldestCreatedAt) / 1000);
        },
      });
    }
  }

  /**
   * How long turns waited for their citizen's fleet lock (several instances
   * on PostgreSQL): mostly a connection round trip; a long tail means one
   * citizen's messages queue behind each other across instances.
   */
  lockWaits(): (seconds: number) => void {
    const h = new Histogram({
      name: 'wenzheng_citizen_lock_wait_seconds',
      help: "Time a turn waited for its citizen's fleet-wide lock (PostgreSQL advisory lock)",
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [this.registry],
    });
    return (seconds) => h.observe(seconds);
  }

  /** Open tickets by department and status, and overdue and urgent ones by department, read at scrape time. */
  tickets(read: () => Promise<TicketCounts>): void {
    new Gauge({
      name: 'wenzheng_tickets_open',
      help: 'Tickets not yet resolved or returned, by department (unassigned = 待分派) and status',
      labelNames: ['department', 'status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of (await read()).open) this.set({ department: r.department || 'unassigned', status: r.status }, r.count);
      },
    });
    new Gauge({
      name: 'wenzheng_tickets_overdue',
      help: 'Unfinished tickets past their due date (TICKET_DUE_DAYS working days), by department',
      labelNames: ['department'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of (await read()).overdue) this.set({ department: r.department || 'unassigned' }, r.count);
      },
    });
    new Gauge({
      name: 'wenzheng_tickets_urgent',
      help: 'Unfinished urgent tickets (emergencies filed when nobody was on duty), by department',
      labelNames: ['department'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of (await read()).urgent) this.set({ department: r.department || 'unassigned' }, r.count);
      },
    });
  }

  /** Parse threads serving the current model (PARSE_THREADS): 0 means parsing runs on the event loop. */
  parseThreads(ready: () => number): void {
    new Gauge({
      name: 'wenzheng_parse_threads_ready',
      help: 'Parse threads loaded with the serving model (PARSE_THREADS)',
      registers: [this.registry],
      collect() {
        this.set(ready());
      },
    });
  }

  /** 1 while this instance leads `role` across the fleet (runs the Wechaty bot), else 0: exactly one instance should show 1. */
  leader(role: string, leading: () => boolean): void {
    new Gauge({
      name: `wenzheng_${role}_leader`,
      help: `1 while this instance is the fleet's ${role} leader (the one running it), else 0`,
      registers: [this.registry],
      collect() {
        this.set(leading() ? 1 : 0);
      },
    });
  }

  /** The PostgreSQL connection pool (DATABASE_URL): clients open, idle, and requests waiting for one. */
  databasePool(stats: () => { total: number; idle: number; waiting: number }): void {
    const figures = [
      ['wenzheng_db_pool_clients', 'Connections the pool holds open to PostgreSQL', 'total'],
      ['wenzheng_db_pool_idle_clients', 'Pooled connections not in use', 'idle'],
      ['wenzheng_db_pool_waiting_requests', 'Queries and transactions waiting for a connection', 'waiting'],
    ] as const;
    for (const [name, help, key] of figures) {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(stats()[key]);
        },
      });
    }
  }

  turn(r: TurnReport): void {
    this.messages.inc({ channel: r.channel, outcome: r.outcome });
    this.intents.inc({ intent: r.intent });
    this.parseSeconds.observe(r.parseMs / 1000);
  }

  escalation(reason: string, priority: string): void {
    this.escalations.inc({ reason, priority });
  }

  deadlineMiss(channel: string): void {
    this.deadlineMisses.inc({ channel });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * The fleet's message bus on PostgreSQL LISTEN/NOTIFY. One dedicated
 * connection listens (a pooled one would be handed to other work); when it
 * drops (restart, failover, pg_terminate_backend) it reconnects by itself
 * with backoff and listens again. Messages sent while it was down are lost
 * (NOTIFY is not queued for absent listeners): the console reloads its queue
 * on the next event and every few seconds anyway. Notifications go out
 * through the storage pool after the caller's commit, and carry the sending
 * instance's id so an instance skips its own (it delivered them locally).
 */
import pg from 'pg';
import type { FleetBus } from '../../core/fleet.js';

export interface PgNotifyBusOptions {
  url: string;
  /** Sends NOTIFY (the storage pool). */
  pool: pg.Pool;
  instance: string;
  onError?: (e: Error, what: string) => void;
  /** Told each time the listening connection is up (again). */
  onListening?: () => void;
}

const BACKOFF_MS = [200, 500, 1000, 2000, 5000];
const channelOf = (topic: string) => `wenzheng_${topic.replace(/[^a-z0-9_]/gi, '_')}`;

export class PgNotifyBus implements FleetBus {
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  private client: pg.Client | null = null;
  private closed = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: PgNotifyBusOptions) {}

  /** Connects the listening connection; resolves once it listens (or, failing that, once a retry is scheduled). */
  async start(): Promise<void> {
    await this.connect();
  }

  publish(topic: string, message: string): void {
    const payload = JSON.stringify({ from: this.o.instance, m: message });
    this.o.pool.query('SELECT pg_notify($1, $2)', [channelOf(topic), payload]).catch((e: Error) => this.o.onError?.(e, 'notify'));
  }

  subscribe(topic: string, listener: (message: string) => void): () => void {
    const channel = channelOf(topic);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.client?.query(`LISTEN ${channel}`).catch((e: Error) => this.o.onError?.(e, 'listen'));
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.o.url, application_name: 'wenzheng-listen' });
    client.on('notification', (n) => this.deliver(n.channel, n.payload));
    client.on('error', (e) => {
      this.o.onError?.(e, 'listen connection');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.listeners.keys()) await client.query(`LISTEN ${channel}`);
      this.client = client;
      this.failures = 0;
      this.o.onListening?.();
    } catch (e) {
      this.o.onError?.(e as Error, 'listen connect');
      client.end().catch(() => {});
      this.retry();
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    this.retry();
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    const wait = BACKOFF_MS[Math.min(this.failures++, BACKOFF_MS.length - 1)];
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, wait);
    this.timer.unref();
  }

  private deliver(channel: string, payload: string | undefined): void {
    if (!payload) return;
    let parsed: { from?: unknown; m?: unknown };
    try {
      parsed = JSON.parse(payload) as { from?: unknown; m?: unknown };
    } catch {
      return;
    }
    if (parsed.from === this.o.instance || typeof parsed.m !== 'string') return;
    for (const listener of this.listeners.get(channel) ?? []) {
      try {
        listener(parsed.m);
      } catch {
        // One broken listener must not stop the others.
      }
    }
  }

  /** True while the listening connection is up. */
  get listening(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}

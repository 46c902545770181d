/**
 * Leadership on PostgreSQL (the Leadership port): one instance of the fleet
 * runs a role's duty (the Wechaty bot) at a time.
 *
 * The leader holds a session advisory lock, pg_try_advisory_lock(LEADER_LOCKS,
 * hashtext(role)), on a connection of its own (never a pooled one: a lock
 * left on a pooled connection outlives its holder's intent). PostgreSQL
 * releases it the moment that session ends — a crashed process, a killed
 * connection — and a stand-by, trying every `retryMs` (and woken by a NOTIFY
 * when a leader resigns), takes it. A lease row renewed by the leader was
 * the alternative: it needs no dedicated connection, but a crashed leader is
 * replaced only when its lease expires (tens of seconds), and a killed
 * connection goes unnoticed, so the lease would be the slower and weaker of
 * the two here; the lock is what PostgreSQL gives for this.
 *
 * What the lock alone does not give is the order "the old leader has
 * stopped before the new one starts": the session can end (terminated,
 * the database failing over) while the old leader's process lives and its
 * bot still runs. So:
 * - the leader watches its connection ('error'/'end', and a `SELECT 1`
 *   every `checkMs` that must answer within as long again) and, losing it,
 *   steps down at once;
 * - fleet_leaders records who leads and when its duty stopped; a new leader
 *   starts only once the previous one has recorded its stop, or after
 *   `handoverMs` (the bound for a leader that cannot record it: dead, or
 *   cut off from the database);
 * - the lock session asks the server to notice a silent peer within ~11 s
 *   (TCP keepalives; the OS default is two hours), so a leader cut off by the
 *   network has stepped down (within 2 × checkMs) before its lock is freed.
 * The lock uses the two-key advisory space, apart from the single-key
 * hashtext() locks of citizens (pg-locks.ts), so no citizen's key can collide
 * with a held leadership.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { Campaign, LeaderDuty, Leadership } from '../../core/fleet.js';
import { withTimeout } from '../../core/time-box.js';
import { queryLive, sql } from './pg-database.js';

export interface PgLeadershipOptions {
  url: string;
  /** The storage pool: a leader whose own connection died records its stop there. */
  pool: pg.Pool;
  /** This instance, as fleet_leaders shows it. */
  instance: string;
  /** A stand-by tries for the lock this often. */
  retryMs?: number;
  /** A leader checks its lock connection this often; unanswered for as long again, it steps down. */
  checkMs?: number;
  /** The longest a new leader waits for the previous one to record that its duty stopped. */
  handoverMs?: number;
  log?: Logger;
}

/** The first key of the two-key advisory locks ('WZ'). */
const LEADER_LOCKS = 0x575a;
const WAKE_CHANNEL = 'wenzheng_leader';
const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;
// Server-side detection of a silent peer on the lock session: ~5 s idle + 3 probes 2 s apart, or 10 s of unacknowledged data.
const SESSION = `SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3; SET tcp_user_timeout = 10000; LISTEN ${WAKE_CHANNEL}`;

const TRY = sql('leader_try', 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS held');
const RELEASE = sql('leader_release', `SELECT pg_advisory_unlock($1, hashtext($2)), pg_notify('${WAKE_CHANNEL}', $2)`);
const PREVIOUS = sql('leader_previous', 'SELECT instance, stopped_at FROM fleet_leaders WHERE role = $1');
const TAKE = sql(
  'leader_take',
  `INSERT INTO fleet_leaders (role, instance, since, stopped_at) VALUES ($1, $2, ${NOW_MS}, NULL)
   ON CONFLICT (role) DO UPDATE SET instance = EXCLUDED.instance, since = EXCLUDED.since, stopped_at = NULL`,
);
// Wakes a new leader that waits for this record.
const STOPPED = sql(
  'leader_stopped',
  `WITH s AS (UPDATE fleet_leaders SET stopped_at = ${NOW_MS} WHERE role = $1 AND instance = $2 RETURNING role)
   SELECT pg_notify('${WAKE_CHANNEL}', role) FROM s`,
);

export class PgLeadership implements Leadership {
  private readonly campaigns = new Set<PgCampaign>();

  constructor(private readonly o: PgLeadershipOptions) {}

  campaign(role: string, duty: LeaderDuty): Campaign {
    const c = new PgCampaign(role, duty, this.o, () => this.campaigns.delete(c));
    this.campaigns.add(c);
    return c;
  }

  /** Resigns whatever still campaigns (the fleet closing). */
  async close(): Promise<void> {
    await Promise.all([...this.campaigns].map((c) => c.resign()));
  }
}

/** The lock connection, and why it was lost once it is. */
interface Link {
  client: pg.Client;
  lost: Promise<string>;
  lostReason: string | null;
  lose(why: string): void;
}

class PgCampaign implements Campaign {
  private held = false;
  private resigned = false;
  private resignation!: (why: string) => void;
  private readonly resignedWith = new Promise<string>((r) => {
    this.resignation = r;
  });
  private wake: (() => void) | null = null;
  private readonly done: Promise<void>;
  private readonly retryMs: number;
  private readonly checkMs: number;
  private readonly handoverMs: number;

  constructor(
    private readonly role: string,
    private readonly duty: LeaderDuty,
    private readonly o: PgLeadershipOptions,
    onEnd: () => void,
  ) {
    this.retryMs = o.retryMs ?? 1000;
    this.checkMs = o.checkMs ?? 2000;
    this.handoverMs = o.handoverMs ?? 20_000;
    this.done = this.run().finally(onEnd);
  }

  get leading(): boolean {
    return this.held;
  }

  async resign(): Promise<void> {
    this.resigned = true;
    this.resignation('resigned');
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    while (!this.resigned) {
      let link: Link | null = null;
      try {
        link = await this.connect();
        while (!this.resigned && !link.lostReason) {
          if (await this.tryLock(link)) {
            await this.hold(link);
            break;
          }
          await this.pause(this.retryMs, link.lost);
        }
      } catch (e) {
        if (!this.resigned) this.o.log?.warn({ err: e, role: this.role }, 'leadership: the lock connection failed; trying again');
      }
      if (link) this.drop(link);
      if (!this.resigned) await this.pause(this.retryMs);
    }
  }

  private async connect(): Promise<Link> {
    const client = new pg.Client({
      connectionString: this.o.url,
      application_name: 'wenzheng-leader',
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
    });
    let settle!: (why: string) => void;
    const link: Link = {
      client,
      lostReason: null,
      lost: new Promise<string>((r) => {
        settle = r;
      }),
      lose: (why) => {
        if (link.lostReason !== null) return;
        link.lostReason = why;
        settle(why);
      },
    };
    client.on('error', (e) => link.lose(`its lock connection failed: ${e.message}`));
    client.on('end', () => link.lose('its lock connection ended'));
    client.on('notification', () => this.wake?.());
    try {
      await client.connect();
      await client.query(SESSION);
    } catch (e) {
      this.drop(link);
      throw e;
    }
    return link;
  }

  private drop(link: Link): void {
    link.lose('closed');
    link.client.end().catch(() => {});
  }

  private async tryLock(link: Link): Promise<boolean> {
    const r = await link.client.query<{ held: boolean }>({ ...TRY, values: [LEADER_LOCKS, this.role] });
    return r.rows[0]?.held === true;
  }

  /** Holds the role until the lock connection is lost or the campaign resigns. */
  private async hold(link: Link): Promise<void> {
    const check = setInterval(() => void this.check(link), this.checkMs);
    try {
      if (!(await this.handover(link))) {
        if (!link.lostReason) await link.client.query({ ...RELEASE, values: [LEADER_LOCKS, this.role] });
        return;
      }
      await link.client.query({ ...TAKE, values: [this.role, this.o.instance] });
      this.held = true;
      this.o.log?.info({ role: this.role, instance: this.o.instance }, 'leadership gained');
      const leading = this.duty
        .lead()
        .catch((e: unknown) => this.o.log?.error({ err: e, role: this.role }, 'leadership: the duty failed to start'));
      const reason = await Promise.race([link.lost, this.resignedWith]);
      this.held = false;
      this.o.log?.[reason === 'resigned' ? 'info' : 'warn']({ role: this.role, reason }, 'leadership lost: stopping the duty');
      await this.duty.stepDown(reason);
      await leading;
      await this.recordStop(link);
      if (!link.lostReason) await link.client.query({ ...RELEASE, values: [LEADER_LOCKS, this.role] });
    } finally {
      clearInterval(check);
    }
  }

  /**
   * After taking the lock: true once the previous leader's duty has stopped
   * (recorded, or `handoverMs` passed); false if this campaign resigned or
   * lost the lock meanwhile.
   */
  private async handover(link: Link): Promise<boolean> {
    const started = performance.now();
    let told = false;
    for (;;) {
      if (this.resigned || link.lostReason) return false;
      const r = await link.client.query<{ instance: string; stopped_at: string | null }>({ ...PREVIOUS, values: [this.role] });
      const previous = r.rows[0];
      if (!previous || previous.stopped_at !== null || previous.instance === this.o.instance) return true;
      const waited = performance.now() - started;
      if (waited >= this.handoverMs) {
        this.o.log?.warn(
          { role: this.role, previous: previous.instance, waitedMs: Math.round(waited) },
          'leadership: the previous leader never recorded its stop; taking over after the handover wait',
        );
        return true;
      }
      if (!told) this.o.log?.info({ role: this.role, previous: previous.instance }, 'leadership: waiting for the previous leader to stop');
      told = true;
      await this.pause(this.retryMs, link.lost);
    }
  }

  /** Tells a waiting successor that the duty has stopped: on the lock connection, or through the pool if that died. */
  private async recordStop(link: Link): Promise<void> {
    const values = [this.role, this.o.instance];
    try {
      if (link.lostReason) await queryLive(this.o.pool, { ...STOPPED, values });
      else await link.client.query({ ...STOPPED, values });
    } catch (e) {
      this.o.log?.warn({ err: e, role: this.role }, 'leadership: could not record the stop; the next leader waits out the handover');
    }
  }

  private checking = false;

  private async check(link: Link): Promise<void> {
    if (this.checking || link.lostReason) return;
    this.checking = true;
    try {
      await withTimeout(link.client.query('SELECT 1'), this.checkMs, 'SELECT 1');
    } catch (e) {
      link.lose(`its lock connection did not answer: ${(e as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  /** Waits `ms`, or less when resigning, woken by a NOTIFY, or `until` settles. */
  private pause(ms: number, until?: Promise<unknown>): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      if (this.resigned) done();
      void until?.then(done);
    });
  }
}

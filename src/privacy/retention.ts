/**
 * The retention job: conversation text older than RETENTION_DAYS is erased
 * (intent, outcome and times stay, so analytics still count it) and old
 * conversation state is reset, when RETENTION_DAYS is set. Records past
 * their use (retry records, ended sessions, lapsed ticket-proof and
 * failed-login counts) go whatever it says: keeping them serves no one.
 * Runs at start and every few hours; `npm run privacy:purge` runs it by hand.
 */
import type { Logger } from 'pino';
import { initialState } from '../core/conversation.js';
import type { JobTicks } from '../core/fleet.js';
import type { ExpiryCounts, PrivacyStore, RetentionCounts } from '../core/privacy.js';
import { everyTick, startFleetJob } from '../fleet/fleet-job.js';

export class RetentionJob {
  private timer: { stop(): void } | null = null;

  constructor(private readonly o: { store: PrivacyStore; days: number; clock: () => Date; log: Logger }) {}

  /** What was dropped; the retention counts only when RETENTION_DAYS is set. */
  async runOnce(): Promise<ExpiryCounts & Partial<RetentionCounts>> {
    const now = this.o.clock().getTime();
    const expired = await this.o.store.purgeExpired(now);
    const erased = this.o.days > 0 ? await this.o.store.purge(now - this.o.days * 86_400_000, JSON.stringify(initialState())) : undefined;
    const counts = { ...expired, ...erased };
    if (Object.values(counts).some((n) => n > 0)) this.o.log.info({ ...counts, days: this.o.days }, 'retention purge');
    return counts;
  }

  /** Purges at start and every interval; with several instances, only the one that claims the tick (`jobs`). */
  start(intervalMs = 6 * 3600_000, jobs: JobTicks = everyTick): void {
    this.timer ??= startFleetJob({
      name: 'retention-purge',
      intervalMs,
      jobs,
      immediately: true,
      run: () => this.runOnce(),
      onError: (e) => this.o.log.error({ err: e }, 'retention purge failed'),
    });
  }

  stop(): void {
    this.timer?.stop();
    this.timer = null;
  }
}

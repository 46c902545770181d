/**
 * The retention job: conversation text older than RETENTION_DAYS is erased
 * (intent, outcome and times stay, so analytics still count it), and old
 * conversation state, retry records and expired sessions go. Runs at start
 * and every few hours; `npm run privacy:purge` runs it by hand.
 */
import type { Logger } from 'pino';
import { initialState } from '../core/conversation.js';
import type { JobTicks } from '../core/fleet.js';
import type { PrivacyStore, PurgeCounts } from '../core/privacy.js';
import { everyTick, startFleetJob } from '../fleet/fleet-job.js';

export class RetentionJob {
  private timer: { stop(): void } | null = null;

  constructor(private readonly o: { store: PrivacyStore; days: number; clock: () => Date; log: Logger }) {}

  async runOnce(): Promise<PurgeCounts | null> {
    if (this.o.days <= 0) return null;
    const now = this.o.clock().getTime();
    const counts = await this.o.store.purge(now - this.o.days * 86_400_000, now, JSON.stringify(initialState()));
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

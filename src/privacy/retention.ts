/**
 * The retention job: conversation text older than RETENTION_DAYS is erased
 * (intent, outcome and times stay, so analytics still count it), and old
 * conversation state, retry records and expired sessions go. Runs at start
 * and every few hours; `npm run privacy:purge` runs it by hand.
 */
import type { Logger } from 'pino';
import { initialState } from '../core/conversation.js';
import type { PrivacyStore, PurgeCounts } from '../core/privacy.js';

export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: { store: PrivacyStore; days: number; clock: () => Date; log: Logger }) {}

  async runOnce(): Promise<PurgeCounts | null> {
    if (this.o.days <= 0) return null;
    const now = this.o.clock().getTime();
    const counts = await this.o.store.purge(now - this.o.days * 86_400_000, now, JSON.stringify(initialState()));
    if (Object.values(counts).some((n) => n > 0)) this.o.log.info({ ...counts, days: this.o.days }, 'retention purge');
    return counts;
  }

  start(intervalMs = 6 * 3600_000): void {
    const run = () => void this.runOnce().catch((e) => this.o.log.error({ err: e }, 'retention purge failed'));
    run();
    this.timer ??= setInterval(run, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

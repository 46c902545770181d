/**
 * Failed staff logins counted per name *and* source address. After
 * `maxFailures` in a row from one address for one name, that pair must wait
 * `pauseMs`, doubling with each further failure (capped at a day). The
 * pause never depends on whether the name exists, so it reveals nothing,
 * and it binds only the address that failed: someone who knows a staff
 * member's name cannot lock them out, because the real person logs in from
 * their own address.
 *
 * The counts live in the database (StaffStore): every instance of a fleet
 * counts together, so spreading guesses over instances behind a balancer
 * buys nothing, and a restart forgets no pause. The rules stay here.
 */
import { LOGIN_FAILURES_KEPT_MS, type StaffStore } from '../core/staff.js';

const MAX_PAUSE_MS = 24 * 3600_000;

export interface Pause {
  failures: number;
  retryAfterSeconds: number;
}

type FailureStore = Pick<StaffStore, 'findLoginFailures' | 'countLoginFailure' | 'pauseLogins' | 'clearLoginFailures' | 'pausedLoginNames'>;

export class LoginThrottle {
  constructor(private readonly o: { store: FailureStore; maxFailures: number; pauseMs: number }) {}

  /** The pause this name and source are in, or null when they may try. */
  async paused(name: string, source: string, now: number): Promise<Pause | null> {
    const e = await this.o.store.findLoginFailures(name, source);
    if (!e || e.pausedUntil <= now) return null;
    return { failures: e.failures, retryAfterSeconds: Math.ceil((e.pausedUntil - now) / 1000) };
  }

  /** Counts a failure; returns the pause it started, if it started one. */
  async failed(name: string, source: string, now: number): Promise<{ failures: number; pause: Pause | null }> {
    // A day without failures starts the count again.
    const failures = await this.o.store.countLoginFailure(name, source, now, now - LOGIN_FAILURES_KEPT_MS);
    const over = failures - this.o.maxFailures;
    if (over < 0) return { failures, pause: null };
    const ms = Math.min(MAX_PAUSE_MS, this.o.pauseMs * 2 ** Math.min(over, 30));
    await this.o.store.pauseLogins(name, source, now + ms);
    return { failures, pause: { failures, retryAfterSeconds: Math.ceil(ms / 1000) } };
  }

  succeeded(name: string, source: string): Promise<void> {
    return this.o.store.clearLoginFailures(name, source);
  }

  /** An admin's unlock: every source may try this name again. */
  clear(name: string): Promise<void> {
    return this.o.store.clearLoginFailures(name);
  }

  /** Names some source is paused for now (shown to admins as "locked"). */
  async pausedNames(now: number): Promise<Set<string>> {
    return new Set(await this.o.store.pausedLoginNames(now));
  }
}

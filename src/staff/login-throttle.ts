/**
 * Failed staff logins counted per name *and* source address. After
 * `maxFailures` in a row from one address for one name, that pair must wait
 * `pauseMs`, doubling with each further failure (capped at a day). The
 * pause never depends on whether the name exists, so it reveals nothing,
 * and it binds only the address that failed: someone who knows a staff
 * member's name cannot lock them out, because the real person logs in from
 * their own address. Kept in memory (a restart forgets it; the per-IP
 * request limit and the audit log remain).
 */
const MAX_PAUSE_MS = 24 * 3600_000;
/** Bounds the memory an attacker cycling names and addresses can take. */
const MAX_ENTRIES = 10_000;

interface Entry {
  name: string;
  failures: number;
  pausedUntil: number;
  lastAt: number;
}

export interface Pause {
  failures: number;
  retryAfterSeconds: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly o: { maxFailures: number; pauseMs: number }) {}

  private static key(name: string, source: string): string {
    return `${name}\u0000${source}`;
  }

  /** The pause this name and source are in, or null when they may try. */
  paused(name: string, source: string, now: number): Pause | null {
    const e = this.entries.get(LoginThrottle.key(name, source));
    if (!e || e.pausedUntil <= now) return null;
    return { failures: e.failures, retryAfterSeconds: Math.ceil((e.pausedUntil - now) / 1000) };
  }

  /** Counts a failure; returns the pause it started, if it started one. */
  failed(name: string, source: string, now: number): { failures: number; pause: Pause | null } {
    const key = LoginThrottle.key(name, source);
    const e = this.entries.get(key) ?? { name, failures: 0, pausedUntil: 0, lastAt: now };
    // A day without failures starts the count again.
    if (e.pausedUntil <= now && now - e.lastAt > MAX_PAUSE_MS) e.failures = 0;
    e.failures++;
    e.lastAt = now;
    this.entries.delete(key); // re-inserted last: the map stays in order of last use
    this.entries.set(key, e);
    this.prune(now);
    const over = e.failures - this.o.maxFailures;
    if (over < 0) return { failures: e.failures, pause: null };
    const ms = Math.min(MAX_PAUSE_MS, this.o.pauseMs * 2 ** Math.min(over, 30));
    e.pausedUntil = now + ms;
    return { failures: e.failures, pause: { failures: e.failures, retryAfterSeconds: Math.ceil(ms / 1000) } };
  }

  succeeded(name: string, source: string): void {
    this.entries.delete(LoginThrottle.key(name, source));
  }

  /** An admin's unlock: every source may try this name again. */
  clear(name: string): void {
    for (const [key, e] of this.entries) if (e.name === name) this.entries.delete(key);
  }

  /** Whether some source is paused for this name now (shown to admins as "locked"). */
  anyPaused(name: string, now: number): boolean {
    for (const e of this.entries.values()) if (e.name === name && e.pausedUntil > now) return true;
    return false;
  }

  private prune(now: number): void {
    for (const [key, e] of this.entries) {
      const stale = e.pausedUntil <= now && now - e.lastAt > MAX_PAUSE_MS;
      if (!stale && this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(key);
    }
  }
}

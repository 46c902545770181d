/**
 * Staff login and sessions. The session token travels in an httpOnly
 * cookie and is stored only as a SHA-256 hash, so a copy of the database
 * does not hold usable sessions. Each session has its own CSRF token, which
 * state-changing requests must echo in a header (synchronizer-token
 * pattern). Repeated failures pause that name from that address (LoginThrottle).
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.js';
import type { StaffStore, StaffUser } from '../core/staff.js';
import { LoginThrottle } from './login-throttle.js';
import { DUMMY_HASH, verifyPassword } from './passwords.js';

export interface AuthOptions {
  store: StaffStore;
  clock: () => Date;
  sessionHours: number;
  maxFailures: number;
  lockMinutes: number;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class StaffAuth {
  private readonly throttle: LoginThrottle;

  constructor(private readonly o: AuthOptions) {
    this.throttle = new LoginThrottle({ store: o.store, maxFailures: o.maxFailures, pauseMs: o.lockMinutes * 60_000 });
  }

  /** An admin's unlock: every address may try this name again at once. */
  unlock(name: string): Promise<void> {
    return this.throttle.clear(name);
  }

  /** The names failed logins have paused some address for now. */
  pausedNames(): Promise<Set<string>> {
    return this.throttle.pausedNames(this.o.clock().getTime());
  }

  /**
   * `source` is the client's address. An unknown name and a wrong password
   * answer alike (same status, body and scrypt work); repeated failures from
   * one source for one name pause that pair only (LoginThrottle), whether or
   * not the name exists.
   */
  async login(
    name: string,
    password: string,
    source: string,
  ): Promise<{ user: StaffUser; token: string; csrfToken: string; expiresAt: number }> {
    const now = this.o.clock().getTime();
    const target = name.slice(0, 64);
    const paused = await this.throttle.paused(name, source, now);
    if (paused) throw new AppError('LOGIN_THROTTLED', undefined, { retryAfterSeconds: paused.retryAfterSeconds });
    const account = await this.o.store.findAccountByName(name);
    const usable = account && !account.disabled ? account : null;
    // An unknown or disabled name is checked against a dummy hash: the same time as a real check.
    const ok = await verifyPassword(password, usable?.passwordHash ?? DUMMY_HASH);
    if (!usable || !ok) {
      const { failures, pause } = await this.throttle.failed(name, source, now);
      const staffId = usable?.id ?? null;
      await this.o.store.audit({ staffId, action: 'login_failed', target, details: { source, failures }, now });
      if (pause) {
        await this.o.store.audit({
          staffId,
          action: 'login_paused',
          target,
          details: { source, failures, seconds: pause.retryAfterSeconds },
          now,
        });
        throw new AppError('LOGIN_THROTTLED', undefined, { retryAfterSeconds: pause.retryAfterSeconds });
      }
      throw new AppError('BAD_CREDENTIALS');
    }
    await this.throttle.succeeded(name, source);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = now + this.o.sessionHours * 3600_000;
    await this.o.store.createSession({ tokenHash: hashToken(token), staffId: usable.id, csrfToken, now, expiresAt });
    await this.o.store.audit({ staffId: usable.id, action: 'login', now });
    return { user: { id: usable.id, name: usable.name, role: usable.role }, token, csrfToken, expiresAt };
  }

  async session(token: string | undefined): Promise<{ user: StaffUser; csrfToken: string } | null> {
    if (!token || token.length > 100) return null;
    return this.o.store.findSession(hashToken(token), this.o.clock().getTime());
  }

  async logout(token: string, user: StaffUser): Promise<void> {
    await this.o.store.deleteSession(hashToken(token));
    await this.o.store.audit({ staffId: user.id, action: 'logout', now: this.o.clock().getTime() });
  }
}

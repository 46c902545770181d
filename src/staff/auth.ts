/**
 * Staff login and sessions. The session token travels in an httpOnly
 * cookie and is stored only as a SHA-256 hash, so a copy of the database
 * does not hold usable sessions. Each session has its own CSRF token, which
 * state-changing requests must echo in a header (synchronizer-token
 * pattern). Repeated failures lock the account for a while.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.js';
import type { StaffStore, StaffUser } from '../core/staff.js';
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
  constructor(private readonly o: AuthOptions) {}

  async login(name: string, password: string): Promise<{ user: StaffUser; token: string; csrfToken: string; expiresAt: number }> {
    const now = this.o.clock().getTime();
    const account = await this.o.store.findAccountByName(name);
    if (!account || account.disabled) {
      await verifyPassword(password, DUMMY_HASH); // same time as a real check: names cannot be probed
      await this.o.store.audit({ staffId: null, action: 'login_failed', target: name.slice(0, 64), now });
      throw new AppError('BAD_CREDENTIALS');
    }
    if (account.lockedUntil !== null && account.lockedUntil > now) {
      throw new AppError('ACCOUNT_LOCKED', undefined, { retryAfterSeconds: Math.ceil((account.lockedUntil - now) / 1000) });
    }
    if (!(await verifyPassword(password, account.passwordHash))) {
      const r = await this.o.store.loginFailed(account.id, now, this.o.maxFailures, this.o.lockMinutes * 60_000);
      await this.o.store.audit({ staffId: account.id, action: 'login_failed', details: { failures: r.failedLogins }, now });
      if (r.lockedUntil !== null && r.lockedUntil > now) {
        await this.o.store.audit({ staffId: account.id, action: 'account_locked', now });
        throw new AppError('ACCOUNT_LOCKED', undefined, { retryAfterSeconds: Math.ceil((r.lockedUntil - now) / 1000) });
      }
      throw new AppError('BAD_CREDENTIALS');
    }
    await this.o.store.loginSucceeded(account.id);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = now + this.o.sessionHours * 3600_000;
    await this.o.store.createSession({ tokenHash: hashToken(token), staffId: account.id, csrfToken, now, expiresAt });
    await this.o.store.audit({ staffId: account.id, action: 'login', now });
    return { user: { id: account.id, name: account.name, role: account.role }, token, csrfToken, expiresAt };
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

/**
 * The check in front of every staff route: a live session (cookie), a role
 * high enough, and — for anything that changes state — the session's CSRF
 * token echoed in `x-csrf-token`. Routes of other staff features (review,
 * analytics) use the same preHandler. The cookie plugin is registered once
 * at the app level (app.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { type Role, roleAtLeast, type StaffUser } from '../core/staff.js';
import type { StaffAuth } from '../staff/auth.js';

export const SESSION_COOKIE = 'wz_session';

declare module 'fastify' {
  interface FastifyRequest {
    staff: StaffUser | null;
  }
}

function csrfOk(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requireStaff(auth: StaffAuth, role: Role) {
  return async (request: FastifyRequest): Promise<void> => {
    const session = await auth.session(request.cookies?.[SESSION_COOKIE]);
    if (!session) throw new AppError('UNAUTHENTICATED');
    if (!roleAtLeast(session.user.role, role)) throw new AppError('FORBIDDEN');
    if (request.method !== 'GET' && request.method !== 'HEAD' && !csrfOk(request.headers['x-csrf-token'], session.csrfToken)) {
      throw new AppError('CSRF_REJECTED');
    }
    request.staff = session.user;
  };
}

/** The staff member a guarded route runs for. */
export const me = (request: FastifyRequest): StaffUser => request.staff as StaffUser;

/**
 * Who a web-chat message is from. The chat page's citizen is anonymous but
 * bound to an identity the server issued: 128 random bits in an HttpOnly,
 * SameSite=Lax cookie signed with the server's secret, so a page script,
 * another site or a guessed id cannot read or write someone else's
 * conversation (staff replies in it can carry personal data). An integrator
 * backend names its own users instead, and proves it may by sending
 * INTEGRATION_API_KEY as a bearer token. Contract: docs/security.md.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';

export const CITIZEN_COOKIE = 'wz_citizen';
/** The cookie lasts as long as conversation text is kept by default (RETENTION_DAYS). */
const COOKIE_MAX_AGE_SECONDS = 180 * 24 * 3600;
/** An issued id: "web-" and 22 base64url characters (128 bits). */
const ISSUED = /^web-[A-Za-z0-9_-]{22}$/;

export const newCitizenId = () => `web-${randomBytes(16).toString('base64url')}`;

/**
 * The secret that signs citizen cookies: CITIZEN_COOKIE_SECRET; else, where
 * several instances share a database (`shared`, PostgreSQL), the one stored
 * there, so a citizen's cookie reads the same on every instance behind the
 * site; else one generated on first start and kept in DATA_DIR (mode 600),
 * so cookies stay valid across restarts. A key this machine already has in
 * DATA_DIR (a deployment that grew from SQLite) is the one offered to the
 * database, so its citizens keep their chats.
 */
export async function citizenCookieSecret(
  configured: string | undefined,
  dataDir: string,
  shared?: (name: string, generated: string) => Promise<string>,
): Promise<string> {
  if (configured) return configured;
  const file = path.join(dataDir, 'citizen-cookie.secret');
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
  if (shared) return shared('citizen-cookie', kept ?? randomBytes(32).toString('base64url'));
  if (kept) return kept;
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process sharing DATA_DIR wrote it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw e;
  }
  chmodSync(file, 0o600);
  return secret;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class WebIdentity {
  private readonly keyDigest: Buffer | null;

  constructor(private readonly o: { apiKey?: string; cookieSecure: 'auto' | 'true' | 'false' }) {
    this.keyDigest = o.apiKey ? digest(o.apiKey) : null;
  }

  /** True when the request carries the integrator key; a wrong key is refused, not ignored. */
  integrator(request: FastifyRequest): boolean {
    const header = request.headers.authorization;
    if (header === undefined) return false;
    const given = /^Bearer (.+)$/.exec(header)?.[1];
    // Comparing digests keeps the compare constant-time whatever the length given.
    if (!given || !this.keyDigest || !timingSafeEqual(digest(given), this.keyDigest)) {
      throw new AppError('API_KEY_REQUIRED', 'The integrator API key (Authorization: Bearer …) is wrong or not configured');
    }
    return true;
  }

  /** The citizen this browser was given, or null. */
  cookieCitizen(request: FastifyRequest): string | null {
    const raw = request.cookies?.[CITIZEN_COOKIE];
    if (!raw) return null;
    const u = request.unsignCookie(raw);
    return u.valid && u.value && ISSUED.test(u.value) ? u.value : null;
  }

  /** The cookie citizen, issuing a new identity (and its cookie) to a browser that has none. */
  ensureCitizen(request: FastifyRequest, reply: FastifyReply): string {
    const known = this.cookieCitizen(request);
    if (known) return known;
    const id = newCitizenId();
    reply.setCookie(CITIZEN_COOKIE, id, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure: this.o.cookieSecure === 'auto' ? request.protocol === 'https' : this.o.cookieSecure === 'true',
      path: '/',
      maxAge: COOKIE_MAX_AGE_SECONDS,
    });
    return id;
  }

  /**
   * Who sends this message: the user an integrator names, or the cookie
   * citizen. Naming a user without the key is refused: that is exactly how
   * someone else's conversation would be taken over.
   */
  sender(request: FastifyRequest, reply: FastifyReply, named: string | undefined): string {
    if (this.integrator(request)) {
      if (!named) throw new AppError('BAD_REQUEST', 'With the integrator key, name the user in "userId"');
      return named;
    }
    if (named !== undefined) throw new AppError('API_KEY_REQUIRED');
    return this.ensureCitizen(request, reply);
  }

  /** Whose inbox a poll reads; null when this browser was never given an identity (nothing to read). */
  reader(request: FastifyRequest, named: string | undefined): string | null {
    if (this.integrator(request)) {
      if (!named) throw new AppError('BAD_REQUEST', 'With the integrator key, name the user in "userId"');
      return named;
    }
    if (named !== undefined) throw new AppError('API_KEY_REQUIRED');
    return this.cookieCitizen(request);
  }
}

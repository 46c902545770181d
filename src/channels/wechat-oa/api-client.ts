/**
 * Outbound calls to the WeChat API: access_token, customer-service messages,
 * menu. One place owns the token (fetching a new one invalidates the old):
 * cached in the database, refreshed five minutes before expiry, one fetch at
 * a time (across the fleet too: under a fleet lock, after reading the cache
 * again, so an instance uses the token another just fetched instead of
 * invalidating it), and refreshed once more when WeChat says it is invalid
 * or expired (40001, 40014, 42001). -1 (busy) is retried with backoff. Every call is
 * time-boxed. Failures are typed so callers can react (a staff reply outside
 * the 48-hour window becomes a callback ticket, not an error page).
 */
import type { FleetLocks } from '../../core/fleet.js';
import type { TokenCache } from '../../core/stores.js';
import { SealedTokenCache } from './sealed-token-cache.js';

export type WechatApiErrorKind =
  | 'out_of_window'
  | 'over_quota'
  | 'not_follower'
  | 'blocked'
  | 'too_long'
  | 'ip_not_whitelisted'
  | 'busy'
  | 'invalid_token'
  | 'network'
  | 'unknown';

const KINDS: Record<number, WechatApiErrorKind> = {
  45015: 'out_of_window',
  45047: 'over_quota',
  40003: 'not_follower',
  43004: 'not_follower',
  43019: 'blocked',
  45002: 'too_long',
  40164: 'ip_not_whitelisted',
  [-1]: 'busy',
  40001: 'invalid_token',
  40014: 'invalid_token',
  42001: 'invalid_token',
};

export class WechatApiError extends Error {
  readonly kind: WechatApiErrorKind;
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    kind?: WechatApiErrorKind,
  ) {
    super(`WeChat API error ${errcode}: ${errmsg}`);
    this.name = 'WechatApiError';
    this.kind = kind ?? KINDS[errcode] ?? 'unknown';
  }
}

export interface WechatApiOptions {
  appId: string;
  secret: string;
  apiBase: string;
  tokens: TokenCache;
  timeoutMs?: number;
  /** Waits between retries of a busy (-1) answer. */
  backoffMs?: readonly number[];
  now?: () => number;
  /** The fleet's locks (several instances): one token fetch at a time across all of them. */
  locks?: FleetLocks;
}

const REFRESH_MARGIN_MS = 5 * 60_000;
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

export class WechatApiClient {
  private fetching: Promise<string> | null = null;
  private readonly name: string;
  /** The cache, sealed under the AppSecret: the token is never stored readable. */
  private readonly tokens: TokenCache;

  constructor(private readonly o: WechatApiOptions) {
    this.name = `wechat:${o.appId}`;
    this.tokens = new SealedTokenCache(o.tokens, o.secret);
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private async request(path: string, init?: { method: 'POST'; body: unknown }): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await fetch(`${this.o.apiBase.replace(/\/$/, '')}${path}`, {
        method: init?.method ?? 'GET',
        headers: init ? { 'content-type': 'application/json' } : undefined,
        // WeChat wants UTF-8 Chinese as is, not \u escapes (they count against length limits).
        body: init ? JSON.stringify(init.body) : undefined,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
      });
    } catch (e) {
      throw new WechatApiError(-2, `network: ${(e as Error).message}`, 'network');
    }
    const body = (await res.json().catch(() => ({ errcode: -3, errmsg: `HTTP ${res.status}, not JSON` }))) as Record<string, unknown>;
    return body;
  }

  /**
   * The cached token, or a fresh one (one fetch at a time). `stale`: a token
   * WeChat just refused; another one in the cache (fetched meanwhile by
   * another instance) is used instead of fetching again.
   */
  async accessToken(stale?: string): Promise<string> {
    const usable = (c: { token: string; expiresAt: number } | null) =>
      c !== null && c.token !== stale && c.expiresAt - REFRESH_MARGIN_MS > this.now();
    const cached = await this.tokens.get(this.name);
    if (cached && usable(cached)) return cached.token;
    const locks = this.o.locks;
    this.fetching ??= (
      locks
        ? locks.hold(this.name, async () => {
            const again = await this.tokens.get(this.name);
            return again && usable(again) ? again.token : this.fetchToken();
          })
        : this.fetchToken()
    ).finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async fetchToken(): Promise<string> {
    const q = new URLSearchParams({ grant_type: 'client_credential', appid: this.o.appId, secret: this.o.secret });
    const body = await this.withBusyRetry(() => this.request(`/cgi-bin/token?${q}`));
    if (typeof body.access_token !== 'string')
      throw new WechatApiError(Number(body.errcode ?? -3), String(body.errmsg ?? 'no access_token'));
    const expiresIn = Number(body.expires_in ?? 7200);
    await this.tokens.put(this.name, body.access_token, this.now() + expiresIn * 1000);
    return body.access_token;
  }

  private async withBusyRetry(call: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const waits = this.o.backoffMs ?? [200, 800, 2000];
    for (let attempt = 0; ; attempt++) {
      const body = await call();
      if (Number(body.errcode) !== -1 || attempt >= waits.length) return body;
      await new Promise((r) => setTimeout(r, waits[attempt]));
    }
  }

  /** POST with the token; on an invalid/expired token, refresh once and retry once. */
  private async post(path: string, payload: unknown): Promise<Record<string, unknown>> {
    let refused: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.accessToken(refused);
      const body = await this.withBusyRetry(() =>
        this.request(`${path}?access_token=${encodeURIComponent(token)}`, { method: 'POST', body: payload }),
      );
      const code = Number(body.errcode ?? 0);
      if (code === 0) return body;
      if (TOKEN_ERRORS.has(code) && attempt === 0) {
        // Not dropped from the cache: another instance may already have put a fresh one there.
        refused = token;
        continue;
      }
      throw new WechatApiError(code, String(body.errmsg ?? ''));
    }
    throw new WechatApiError(40001, 'token still invalid after refresh');
  }

  /** A customer-service text message (allowed within 48 hours of the user's last message). */
  async sendText(openId: string, content: string): Promise<void> {
    await this.post('/cgi-bin/message/custom/send', { touser: openId, msgtype: 'text', text: { content } });
  }

  async createMenu(menu: unknown): Promise<void> {
    await this.post('/cgi-bin/menu/create', menu);
  }
}

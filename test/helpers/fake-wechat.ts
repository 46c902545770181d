/**
 * A fake WeChat API server on 127.0.0.1 (a real HTTP server) implementing
 * token, message/custom/send and menu/create with WeChat's error shapes.
 * Tests queue the answers they want (expired token, out of window, busy).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface FakeCall {
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export class FakeWechat {
  readonly calls: FakeCall[] = [];
  /** Answers for the next custom/send or menu/create calls, in order (default: ok). */
  readonly nextErrors: Array<{ errcode: number; errmsg: string }> = [];
  /** Answers for the next token calls (default: a fresh token). */
  readonly nextTokenErrors: Array<{ errcode: number; errmsg: string }> = [];
  /** Tokens the server accepts; a token fetch adds one and revokes the older ones. */
  private valid = new Set<string>();
  private issued = 0;
  private server: Server | null = null;
  base = '';

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const body = raw ? JSON.parse(raw) : null;
        this.calls.push({ path: url.pathname, query: url.searchParams, body });
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(this.answer(url, body)));
      });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  private answer(url: URL, _body: unknown): object {
    if (url.pathname === '/cgi-bin/token') {
      const err = this.nextTokenErrors.shift();
      if (err) return err;
      if (url.searchParams.get('secret') !== 'test-secret') return { errcode: 40125, errmsg: 'invalid appsecret' };
      const token = `token-${++this.issued}`;
      this.valid = new Set([token]);
      return { access_token: token, expires_in: 7200 };
    }
    if (url.pathname === '/cgi-bin/message/custom/send' || url.pathname === '/cgi-bin/menu/create') {
      if (!this.valid.has(url.searchParams.get('access_token') ?? ''))
        return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
      return this.nextErrors.shift() ?? { errcode: 0, errmsg: 'ok' };
    }
    return { errcode: 404, errmsg: 'no such api' };
  }

  /** Invalidates current tokens (as WeChat does when a token expires early). */
  expireTokens(): void {
    this.valid.clear();
  }

  sent(): FakeCall[] {
    return this.calls.filter((c) => c.path === '/cgi-bin/message/custom/send');
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

/**
 * One fake server for a test file (started before its tests, stopped after),
 * its calls forgotten before each test, and the settings that point an
 * Official Account app at it.
 */
export function fakeWechatForFile(): { fake: FakeWechat; env: () => Record<string, string> } {
  const fake = new FakeWechat();
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.calls.length = 0;
  });
  const env = () => ({ WECHAT_TOKEN: 'test-token', WECHAT_APPID: 'wx-test-app', WECHAT_SECRET: 'test-secret', WECHAT_API_BASE: fake.base });
  return { fake, env };
}

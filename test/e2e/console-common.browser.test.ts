/**
 * The console pages' shared script (/console/common.js) and the review and
 * ticket pages' shared stylesheet (/console/worklist.css): served with their
 * content types, and loaded by every page under its CSP with no violation,
 * no script error, and the page's own script running on top (each page
 * shows its login, which it does only through the shared script).
 */
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireChromium } from '../helpers/browser.js';

const PAGES = [
  { url: '/console', shown: '[data-testid="login"]', stylesheet: false },
  { url: '/console/review', shown: '#login', stylesheet: true },
  { url: '/console/tickets', shown: '#login', stylesheet: true },
  { url: '/console/models', shown: '[data-testid="login-needed"]', stylesheet: false },
];

describe('the console pages’ shared script and stylesheet', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    t = await startApp({ clock: () => new Date() });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it.each([
    ['/console/common.js', /^text\/javascript; charset=utf-8$/],
    ['/console/worklist.css', /^text\/css; charset=utf-8$/],
  ])('serves %s with its content type, uncached like the pages', async (url, type) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(type);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each(PAGES)('$url allows the shared files by origin and nothing inline beyond its own hashed blocks', async ({ url }) => {
    const csp = (await t.app.inject({ method: 'GET', url })).headers['content-security-policy'] as string;
    expect(csp).toMatch(/script-src 'self'( 'sha256-[^']+')*;/);
    expect(csp).toMatch(/style-src 'self'( 'sha256-[^']+')*;/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  describe.skipIf(process.env.SKIP_BROWSER_TESTS === '1')('in chromium', () => {
    // One browser for the four pages, started by the first of them.
    const chromium = async (): Promise<Browser> => {
      requireChromium('the shared console script’s browser test');
      browser ??= await launchChromium();
      return browser;
    };

    it.each(PAGES)(
      '$url loads them with no CSP violation and its own script running',
      { timeout: 30_000 },
      async ({ url, shown, stylesheet }) => {
        const context = await (await chromium()).newContext();
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('pageerror', (e) => problems.push(e.message));
        // The first /api/staff/me answers 401 (nobody signed in) and the browser probes /favicon.ico: both expected.
        page.on('console', (m) => {
          const from = m.location().url;
          if (m.type() === 'error' && !from.endsWith('/api/staff/me') && !from.endsWith('/favicon.ico'))
            problems.push(`${m.text()} ${from}`);
        });
        await page.addInitScript({
          content:
            "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
        });
        const loaded: Record<string, string | undefined> = {};
        page.on('response', (r) => {
          const path = new URL(r.url()).pathname;
          if (path === '/console/common.js' || path === '/console/worklist.css')
            loaded[path] = `${r.status()} ${r.headers()['content-type']}`;
        });
        try {
          await page.goto(`${base}${url}`);
          await page.locator(shown).waitFor({ state: 'visible', timeout: 10_000 });
          expect(loaded['/console/common.js']).toBe('200 text/javascript; charset=utf-8');
          if (stylesheet) {
            expect(loaded['/console/worklist.css']).toBe('200 text/css; charset=utf-8');
            // A rule only the shared stylesheet holds applied.
            expect(await page.evaluate("getComputedStyle(document.getElementById('login')).maxWidth")).toBe('320px');
          }
          expect(problems).toEqual([]);
        } finally {
          await context.close();
        }
      },
    );
  });
});

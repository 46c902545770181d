/**
 * The citizen's web chat page (/) in chromium, under its Content-Security-Policy:
 * the page loads, a message goes out and its answer comes back, and the
 * browser reports no CSP violation on the way.
 */
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireChromium } from '../helpers/browser.js';
import { staffMember } from '../helpers/staff.js';

const clock = () => new Date();

describe.skipIf(process.env.SKIP_BROWSER_TESTS === '1')('web chat page in chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    requireChromium("the chat page's browser test");
    // The desk is staffed around the clock, so an escalation reaches an agent at any hour the test runs.
    t = await startApp({ clock, env: { OFFICE_HOURS: 'always', OFFICE_DAYS: '1,2,3,4,5,6,7' } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is served with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${base}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('sends a message and shows the answer with nothing blocked', { timeout: 30_000 }, async () => {
    const context = await (browser as Browser).newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    // A missing resource shows as a console error too; the browser's own /favicon.ico probe is not the page's.
    page.on('console', (m) => {
      if ((m.type() === 'error' && !m.text().startsWith('Failed to load resource')) || /Content Security Policy/i.test(m.text()))
        problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript({
      content:
        "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    });
    await page.goto(`${base}/`);
    await page.fill('#text', '居住证怎么续签');
    await page.click('#send');
    await page.locator('.msg.bot').nth(1).waitFor({ timeout: 15_000 });
    const answer = await page.locator('.msg.bot').nth(1).textContent();
    expect(answer).toMatch(/居住证/);
    // The header's styles applied: the inline <style> block was allowed.
    const header = await page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor");
    expect(header).toBe('rgb(200, 16, 46)');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is one conversation under a cookie the page cannot read, and shows what staff write back', { timeout: 45_000 }, async () => {
    const context = await (browser as Browser).newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const issued = (await context.cookies()).find((c) => c.name === 'wz_citizen');
    expect(issued).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate('document.cookie')).not.toContain('wz_citizen');
    await page.fill('#text', '转人工');
    await page.click('#send');
    await page.locator('.msg.bot').nth(1).waitFor({ timeout: 15_000 });
    const agent = await staffMember(t, 'chat-agent', 'agent');
    const id = await until(async () => {
      const queued = (await agent.get('/api/staff/queue')).json().handoffs.find((h: { status: string }) => h.status === 'queued');
      return queued?.id as string | undefined;
    });
    await agent.post(`/api/staff/handoffs/${id}/claim`);
    await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '您好，我是人工客服。' });
    // The page's next poll (every 3 s) brings it, with its own cookie and no user id.
    await page.locator('.msg.staff', { hasText: '您好，我是人工客服。' }).waitFor({ timeout: 15_000 });
    await context.close();
  });
});

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

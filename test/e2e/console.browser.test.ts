/**
 * The staff console in a real browser (issue 5's bar): Debian's chromium,
 * driven by playwright-core, against the real app listening on a port. A
 * citizen escalates through the web chat API; an agent logs in, sees the chat
 * arrive live, claims it, reads the history with the assistant's
 * understanding, replies; the citizen receives the reply; the agent closes;
 * the citizen rates; the rating and the audit entries are in the database.
 * Screenshots go to test-artifacts/ (CI keeps them).
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaffUser } from '../../src/staff/users.js';
import { INTEGRATOR, startApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireChromium } from '../helpers/browser.js';

const ARTIFACTS = path.resolve('test-artifacts');

// Real time, because the browser expires the session cookie by its own
// clock (a fixed test clock would log the agent out at some hours of the
// day); the desk is staffed around the clock so escalations always queue.
const clock = () => new Date();
const ENV = { OFFICE_HOURS: 'always', OFFICE_DAYS: '1,2,3,4,5,6,7' };

interface CitizenMessage {
  id: number;
  author: string;
  text: string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe.skipIf(process.env.SKIP_BROWSER_TESTS === '1')('staff console in chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    requireChromium("the console's browser test");
    t = await startApp({ clock, env: ENV });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    // The function behind `npm run user:add`.
    await addStaffUser(t.staff, { name: 'zhangmin', role: 'agent', password: 'agent-pass-2026' });
    await addStaffUser(t.staff, { name: 'admin', role: 'admin', password: 'admin-pass-2026' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const citizen = 'web-console-e2e';
  const say = async (text: string) => {
    const res = await fetch(`${base}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...INTEGRATOR },
      body: JSON.stringify({ userId: citizen, text }),
    });
    expect(res.status, `citizen says ${text}`).toBe(200);
    return (await res.json()) as { replies: Array<{ text: string }>; events: Array<{ type: string; id: string }> };
  };
  const poll = async (after: number) => {
    const res = await fetch(`${base}/api/v1/messages?userId=${citizen}&after=${after}`, { headers: INTEGRATOR });
    expect(res.status).toBe(200);
    return (await res.json()) as { messages: CitizenMessage[]; cursor: number };
  };

  it('takes a citizen from escalation to a rating, live, through the page', { timeout: 45_000 }, async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const context = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page: Page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const id = page.getByTestId.bind(page);
    let handoffId: string | undefined;
    try {
      // The agent logs in; nobody is waiting.
      await page.goto(`${base}/console`);
      await id('login-name').fill('zhangmin');
      await id('login-password').fill('agent-pass-2026');
      await id('login-submit').click();
      await id('queue-empty').waitFor();
      expect(await id('queue-count').textContent()).toBe('0');
      expect(await id('current-user').textContent()).toBe('zhangmin');
      expect(await id('admin-nav').isHidden(), 'an agent sees no admin section').toBe(true);
      await page.locator('[data-testid="live-status"][data-state="open"]').waitFor();

      // A citizen asks, then asks for a person.
      await say('我要投诉');
      const escalated = await say('转人工');
      handoffId = escalated.events.find((e) => e.type === 'handoff.requested')?.id;
      expect(handoffId, 'the web chat answers with a handoff event').toBeTruthy();

      // It appears without a reload.
      const item = page.locator(`[data-testid="queue-item"][data-handoff-id="${handoffId}"]`);
      await item.waitFor();
      expect(await id('queue-count').textContent()).toBe('1');
      expect(await page.title()).toBe('(1) 问政 · 坐席工作台');
      expect(await item.getByTestId('queue-priority').textContent()).toMatch(/紧急|较高|普通/);

      // Opens it from the keyboard, claims it, reads the history and the understanding.
      await page.keyboard.press('j');
      await page.keyboard.press('Enter');
      await page.locator(`[data-testid="conversation-view"][data-handoff-id="${handoffId}"]`).waitFor();
      await id('btn-claim').click();
      await page.locator('[data-testid="conversation-view"][data-status="claimed"]').waitFor();
      await page.locator('[data-testid="message"][data-author="citizen"]', { hasText: '我要投诉' }).waitFor();
      const intents = await id('understanding-intent').allTextContents();
      expect(intents).toContain('complaint');
      expect(await page.locator('[data-testid="message"][data-author="assistant"]').count()).toBeGreaterThan(0);

      // Replies with Ctrl+Enter.
      const reply = '您好，我是坐席张敏，您的投诉我们已受理，请问具体是什么问题？';
      await id('reply-box').fill(reply);
      await id('reply-box').press('Control+Enter');
      const sent = page.locator('[data-testid="message"][data-author="staff"]', { hasText: reply });
      await sent.waitFor();
      expect(await sent.getByTestId('delivery').textContent()).toMatch(/已送达|待市民查看/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'console.png') });

      // The citizen's chat receives it.
      const got = await until('the staff reply on the citizen poll', async () => {
        const r = await poll(0);
        return r.messages.some((m) => m.text === reply) ? r : undefined;
      });
      expect(got.messages.find((m) => m.text === reply)?.author).toBe('staff');

      // The agent closes with a resolution; the citizen is asked to rate.
      await id('btn-close').click();
      await id('close-dialog').waitFor();
      await page.locator('[data-testid="close-resolution"]').first().check();
      await id('close-confirm').click();
      await page.locator('[data-testid="conversation-view"][data-status="closed"]').waitFor();
      const prompt = await until('the rating prompt', async () => {
        const r = await poll(got.cursor);
        return r.messages.find((m) => m.text.includes('非常满意'));
      });
      expect(prompt.text).toMatch(/满意/);
      await say('非常满意');

      // The console shows the rating live.
      await page.locator('[data-testid="rating"][data-level="5"]').waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-closed.png') });
      expect(pageErrors, 'no script errors in the page').toEqual([]);
    } catch (e) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-failure.png') }).catch(() => {});
      throw e;
    } finally {
      await context.close();
    }

    // In the database: the rating, and the audit trail of claim, reply and close.
    expect(await t.staff.rating(handoffId as string)).toMatchObject({ level: 5 });
    const login = await fetch(`${base}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password: 'admin-pass-2026' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const audit = await fetch(`${base}/api/staff/audit?limit=100`, { headers: { cookie } });
    expect(audit.status).toBe(200);
    const actions = ((await audit.json()) as { entries: Array<{ action: string; staffName: string | null }> }).entries
      .filter((e) => e.staffName === 'zhangmin')
      .map((e) => e.action);
    for (const verb of ['claim', 'reply', 'close']) expect(actions, `audit has ${verb}`).toContain(verb);

    // An admin sees the same trail in the console's 管理 section.
    const admin = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    try {
      const page = await admin.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${base}/console`);
      await page.getByTestId('login-name').fill('admin');
      await page.getByTestId('login-password').fill('admin-pass-2026');
      await page.getByTestId('login-password').press('Enter');
      await page.getByTestId('admin-nav').click();
      for (const action of ['claim', 'reply', 'close'])
        await page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first().waitFor();
      expect(await page.getByTestId('user-row').count()).toBe(2);
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-admin.png') });
    } finally {
      await admin.close();
    }
  });
});

/**
 * The review page in a real browser (Debian's chromium via playwright-core)
 * against the real app: a maintainer logs in and clears the queue with the
 * keyboard alone — 3 out of scope, n/k to move, 2 + type-ahead + Enter to
 * pick an intent, 4 to propose one, 1 to accept — and the labels land in the
 * corpus. No script error and no CSP violation on the way. A screenshot goes
 * to test-artifacts/ (CI keeps it).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaffUser } from '../../src/staff/users.js';
import { INTEGRATOR, startApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireChromium } from '../helpers/browser.js';
import { TINY_CORPUS } from '../helpers/tiny-model.js';

const ARTIFACTS = path.resolve('test-artifacts');
const readJsonl = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { text: string; intent: string; by: string; note?: string })
    : [];

describe.skipIf(process.env.SKIP_BROWSER_TESTS === '1')('review page in chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser | undefined;
  const corpusDir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-review-page-')), 'corpus');

  beforeAll(async () => {
    requireChromium("the review page's browser test");
    cpSync(TINY_CORPUS, corpusDir, { recursive: true });
    // Real time: the browser expires the session cookie by its own clock.
    t = await startApp({ clock: () => new Date(), env: { CORPUS_DIR: corpusDir } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await addStaffUser(t.staff, { name: 'li', role: 'maintainer', password: 'maintainer-pass-2026' });
    await addStaffUser(t.staff, { name: 'zhangmin', role: 'agent', password: 'agent-pass-2026' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const say = async (userId: string, text: string) => {
    const res = await fetch(`${base}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...INTEGRATOR },
      body: JSON.stringify({ userId, text }),
    });
    expect(res.status).toBe(200);
  };

  it('clears the queue with the keyboard, writing every label to the corpus', { timeout: 45_000 }, async () => {
    await say('c1', '今天股票涨了多少');
    await say('c2', '今天股票涨了多少？');
    await say('c3', '你会唱歌吗');
    await say('c4', '怎么养猫');
    await say('c5', '周末去哪里玩比较好');

    mkdirSync(ARTIFACTS, { recursive: true });
    const context = await browser!.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // CSP violations and failed requests show up as console errors; the 401 of the
    // first /api/staff/me (not logged in yet) and the browser's favicon probe are expected.
    page.on('console', (m) => {
      const url = m.location().url;
      if (m.type() === 'error' && !url.endsWith('/api/staff/me') && !url.endsWith('/favicon.ico')) problems.push(`${m.text()} ${url}`);
    });
    const status = page.locator('#status');
    const current = page.locator('#text');
    try {
      await page.goto(`${base}/console/review`);
      await page.fill('#login-name', 'li');
      await page.fill('#login-password', 'maintainer-pass-2026');
      await page.press('#login-password', 'Enter');
      await page.locator('#list li').nth(3).waitFor();
      expect(await page.locator('#summary').textContent()).toMatch(/^待审核 4 条/);
      expect(await current.textContent()).toBe('今天股票涨了多少');
      expect(await page.locator('#count').textContent()).toBe('2 次');

      // 3: out of scope; the next item comes up.
      await page.keyboard.press('3');
      await status.filter({ hasText: '已标注为 out_of_scope' }).waitFor();
      expect(await page.locator('#list li').count()).toBe(3);
      const second = await current.textContent();

      // n skips, k comes back.
      await page.keyboard.press('n');
      expect(await current.textContent()).not.toBe(second);
      await page.keyboard.press('k');
      expect(await current.textContent()).toBe(second);

      // 2: pick another intent by typing part of its id.
      await page.keyboard.press('2');
      await page.keyboard.type('greet');
      await page.locator('#matches li.current', { hasText: 'greeting' }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'review-page.png'), fullPage: true });
      await page.keyboard.press('Enter');
      await status.filter({ hasText: '已标注为 greeting' }).waitFor();

      // 4: propose a new intent with a note.
      const proposed = await current.textContent();
      await page.keyboard.press('4');
      await page.keyboard.type('leisure_tips');
      await page.fill('#propose-note', '休闲出行建议');
      await page.click('#propose-panel button[type="submit"]');
      await status.filter({ hasText: '已标注为 new:leisure_tips' }).waitFor();

      // 1: accept the model's judgement (here: not a government service).
      const last = await current.textContent();
      await page.keyboard.press('1');
      await page.locator('#empty').waitFor();
      expect(problems).toEqual([]);

      const reviewed = (f: string) => readJsonl(path.join(corpusDir, 'reviewed', f)).map((l) => l.text);
      expect(reviewed('out_of_scope.jsonl')).toEqual(['今天股票涨了多少', last]);
      expect(reviewed('greeting.jsonl')).toEqual([second]);
      expect(readJsonl(path.join(corpusDir, 'proposed', 'leisure_tips.jsonl'))).toEqual([
        { text: proposed, intent: 'leisure_tips', reviewedAt: expect.any(String), by: 'li', note: '休闲出行建议' },
      ]);
    } finally {
      await context.close();
    }
  });

  it('tells an agent the page is for maintainers', { timeout: 20_000 }, async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/console/review`);
      await page.fill('#login-name', 'zhangmin');
      await page.fill('#login-password', 'agent-pass-2026');
      await page.press('#login-password', 'Enter');
      await page.getByText('语料审核需要维护人员').waitFor();
    } finally {
      await context.close();
    }
  });
});

/**
 * The analytics dashboard and the report file in a real browser (issue 6's
 * bar): Debian's chromium, driven by playwright-core, against the real app
 * listening on a port, after a month of traffic played through the public
 * APIs. A maintainer logs in at the console, opens the dashboard, reads the
 * headline numbers, finds every chart drawn, changes the range with the
 * form (no script on the page); the report that `npm run report` writes
 * opens from file:// the same way. Screenshots go to test-artifacts/
 * (dashboard.png, report.png; CI keeps them).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaffUser } from '../../src/staff/users.js';
import { SEED_MONTH, seedServiceMonth, XSS } from '../helpers/analytics-seed.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireChromium } from '../helpers/browser.js';

const ARTIFACTS = path.resolve('test-artifacts');
const run = promisify(execFile);

// The month is played on a moved clock; then real time, because the browser
// expires the session cookie by its own clock.
let seededNow: number | null = 0;
const clock = () => new Date(seededNow ?? Date.now());
const ENV = { OFFICE_HOURS: 'always', OFFICE_DAYS: '1,2,3,4,5,6,7' };
const CHARTS = ['volume', 'outcomes', 'intents', 'escalations', 'unanswered', 'staff-times', 'ratings', 'satisfaction', 'hours'];

/** Every chart is an <svg> laid out with a real size, and has marks drawn inside it. */
async function expectChartsDrawn(page: Page): Promise<void> {
  for (const id of CHARTS) {
    const chart = page.locator(`svg[data-chart="${id}"]`);
    const box = await chart.boundingBox();
    expect(box, `chart ${id} is laid out`).not.toBeNull();
    expect(box!.width, `chart ${id} width`).toBeGreaterThan(150);
    expect(box!.height, `chart ${id} height`).toBeGreaterThan(40);
    const mark = chart.locator('rect, path, circle').first();
    const markBox = await mark.boundingBox();
    expect(markBox && markBox.width * markBox.height, `chart ${id} draws a mark`).toBeGreaterThan(0);
  }
}

/** A rule of the page's stylesheet in effect: the <style> was not refused. */
const styled = (page: Page) =>
  page
    .locator('.card')
    .first()
    .evaluate(
      (e) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderRadius: string } }).getComputedStyle(e).borderRadius,
    );

async function expectHeadline(page: Page): Promise<void> {
  const metric = (id: string) => page.getByTestId(`headline-${id}`).textContent();
  expect(await metric('messages')).toBe('21');
  expect(await metric('citizens')).toBe('12');
  expect(await metric('handoffs')).toBe('2');
  expect(await metric('satisfaction')).toBe('50.0%');
  expect(await metric('answered')).toBe('68.4%');
}

describe.skipIf(process.env.SKIP_BROWSER_TESTS === '1')('analytics dashboard and report in chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    requireChromium("the dashboard's browser test");
    t = await startApp({ clock, env: ENV });
    await seedServiceMonth(t, (ms) => {
      seededNow = ms;
    });
    seededNow = null;
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await addStaffUser(t.staff, { name: 'fangyuan', role: 'maintainer', password: 'maintainer-pass-2026' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows a maintainer the month on the dashboard, and the report file the same', { timeout: 60_000 }, async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    // A refused inline style or script (CSP) and any script error are reported here.
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      // Not logged in: the page says where to log in.
      const refused = await page.goto(`${base}/console/dashboard`);
      expect(refused?.status()).toBe(401);
      await page.getByTestId('notice').getByRole('link').click();
      await page.waitForURL(`${base}/console`);
      await page.getByTestId('login-name').fill('fangyuan');
      await page.getByTestId('login-password').fill('maintainer-pass-2026');
      await page.getByTestId('login-submit').click();
      await expect.poll(() => page.getByTestId('current-user').textContent()).toBe('fangyuan');
      problems.length = 0; // the console page is not under test here

      const res = await page.goto(`${base}/console/dashboard?from=${SEED_MONTH.from}&to=${SEED_MONTH.to}`);
      expect(res?.status()).toBe(200);
      expect(await page.title()).toBe('问政 · 服务数据分析 2026-11-01 至 2026-11-30');
      await expectHeadline(page);
      await expectChartsDrawn(page);
      // The stylesheet applied (its hash is in the CSP), and citizen text is text.
      expect(await styled(page)).toBe('8px');
      const unanswered = page.getByTestId('unanswered-row');
      expect(await unanswered.first().textContent()).toContain('附近有没有好吃的火锅店');
      expect(await unanswered.filter({ hasText: XSS }).count()).toBe(1);
      expect(await page.locator('main script').count()).toBe(0);
      // Tooltips: the hover text of the busiest cell of the heat map.
      expect(await page.locator('svg[data-chart="hours"] title').allTextContents()).toContain('周三 20:00–21:00：10 条');
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });

      // Printing hides the form.
      await page.emulateMedia({ media: 'print' });
      expect(await page.getByTestId('range-form').isHidden()).toBe(true);
      await page.emulateMedia({ media: 'screen' });

      // The range form works without script: one day.
      await page.locator('input[name="from"]').fill('2026-11-02');
      await page.locator('input[name="to"]').fill('2026-11-02');
      await page.getByRole('button', { name: '查询' }).click();
      await page.waitForURL(/from=2026-11-02&to=2026-11-02/);
      expect(await page.getByTestId('headline-messages').textContent()).toBe('5');
      expect(await page.getByTestId('report-range').textContent()).toContain('2026-11-02 至 2026-11-02（共 1 天');
      expect(problems, 'no CSP violations or script errors on the dashboard').toEqual([]);
    } catch (e) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-failure.png'), fullPage: true }).catch(() => {});
      throw e;
    } finally {
      await context.close();
    }

    // The report for officials who do not log in: written by the CLI, opened from disk.
    const out = mkdtempSync(path.join(tmpdir(), 'wz-report-browser-'));
    await run(
      path.resolve('node_modules/.bin/tsx'),
      ['scripts/report.ts', '--from', SEED_MONTH.from, '--to', SEED_MONTH.to, '--out', out],
      { env: { ...process.env, DATA_DIR: path.dirname(t.dbFile), LOG_LEVEL: 'silent' }, timeout: 60_000 },
    );
    const file = path.join(out, `report-${SEED_MONTH.from}-${SEED_MONTH.to}.html`);
    // Offline: any request other than the file itself would fail the test.
    const offline = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', offline: true });
    const report = await offline.newPage();
    report.setDefaultTimeout(10_000);
    const requests: string[] = [];
    report.on('request', (r) => requests.push(r.url()));
    const reportProblems: string[] = [];
    report.on('console', (m) => {
      if (m.type() === 'error') reportProblems.push(m.text());
    });
    try {
      await report.goto(pathToFileURL(file).href);
      await expectHeadline(report);
      await expectChartsDrawn(report);
      expect(await report.getByTestId('range-form').count()).toBe(0);
      expect(await styled(report)).toBe('8px');
      await report.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });
      expect(requests, 'the report loads nothing but itself').toEqual([pathToFileURL(file).href]);
      expect(reportProblems, 'no CSP violations in the report').toEqual([]);
    } finally {
      await offline.close();
    }
  });
});

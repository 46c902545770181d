/**
 * The web chat on a phone (390 × 844, an iPhone 12–15's viewport) in
 * chromium: the input's placeholder fits in the box, and an appointment or
 * ticket number never breaks across lines at its hyphen.
 * CHAT_SCREENSHOT=FILE.png saves what the test saw.
 */
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireChromium } from '../helpers/browser.js';

const clock = () => new Date('2026-11-25T10:00:00+08:00');

describe.skipIf(process.env.SKIP_BROWSER_TESTS === '1')('web chat layout on a 390 px phone', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    requireChromium("the chat layout's browser test");
    t = await startApp({ clock });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    page = await context.newPage();
    await page.goto(`${base}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the whole placeholder in the input', async () => {
    // Page code as a string: the tests typecheck without the DOM library.
    const fit = (await page.evaluate(`(() => {
      const input = document.querySelector('#text');
      const style = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = style.fontSize + ' ' + style.fontFamily;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return { text: ctx.measureText(input.placeholder).width, room, scroll: input.scrollWidth, client: input.clientWidth };
    })()`)) as { text: number; room: number; scroll: number; client: number };
    expect(fit.text, `placeholder ${fit.text.toFixed(0)} px in ${fit.room.toFixed(0)} px`).toBeLessThanOrEqual(fit.room);
    expect(fit.scroll).toBeLessThanOrEqual(fit.client);
  });

  it('keeps each appointment or ticket number on one line', { timeout: 30_000 }, async () => {
    // A complaint ends in a ticket number inside a long sentence.
    for (const text of ['我要投诉楼下饭店油烟太大了，每天晚上熏得窗户都打不开', '浦东新区张江路88弄', '13912345678', '是的']) {
      const before = await page.locator('.msg.bot').count();
      await page.fill('#text', text);
      await page.click('#send');
      // Polled from the test, not with page.waitForFunction: that compiles its predicate in the
      // page, which the chat page's CSP (no 'unsafe-eval') refuses whenever it has to wait.
      await expect.poll(() => page.locator('.msg.bot').count(), { timeout: 15_000 }).toBeGreaterThan(before);
    }
    await expect.poll(() => page.locator('#log').textContent(), { timeout: 15_000 }).toMatch(/T20261125-0001/);
    if (process.env.CHAT_SCREENSHOT) await page.screenshot({ path: process.env.CHAT_SCREENSHOT });
    const refs = (await page.evaluate(
      "[...document.querySelectorAll('.msg .ref')].map((el) => ({ text: el.textContent, lines: el.getClientRects().length }))",
    )) as Array<{ text: string; lines: number }>;
    expect(refs.map((r) => r.text)).toContain('T20261125-0001');
    for (const r of refs) expect(r.lines, `${r.text} spans ${r.lines} lines`).toBe(1);
  });
});

/**
 * The ticket page in a real browser (Debian's chromium via playwright-core)
 * against the real app over HTTP: a maintainer filters the list, opens a
 * 待分派 ticket, dispatches it by hand with a reason, takes it up and closes
 * it with a written result, which the citizen's web chat then receives; an
 * emergency written at night heads the list with a 紧急 mark. An
 * agent of one department sees only that department's tickets, and the
 * page cannot open another's. A page left open shows a citizen's new
 * complaint and a colleague's change without a reload (live updates). No
 * script error and no CSP violation on the way. The dispatch model is the
 * keyword stand-in: this is about the page.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addStaffUser } from '../../src/staff/users.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireChromium } from '../helpers/browser.js';
import { INTEGRATOR } from '../helpers/integrator.js';
import { CollectedCorrections, KeywordDispatch } from '../helpers/keyword-dispatch.js';
import { login } from '../helpers/staff.js';

const ARTIFACTS = path.resolve('test-artifacts');

describe.skipIf(process.env.SKIP_BROWSER_TESTS === '1')('ticket page in chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser | undefined;
  const corrections = new CollectedCorrections();
  const refs: Record<string, string> = {};
  /** Set while a citizen writes "at night"; otherwise the app runs on real time. */
  let night: number | null = null;

  const post = async (url: string, body: object) => {
    const res = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...INTEGRATOR },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return res.json() as Promise<{ events: Array<{ type: string; id: string }> }>;
  };
  const complain = async (userId: string, text: string) => {
    for (const line of [text, '浦东新区张江路88弄', '13912345678']) await post('/api/v1/messages', { userId, text: line });
    const done = await post('/api/v1/messages', { userId, text: '是的' });
    return done.events.find((e) => e.type === 'ticket.created')?.id as string;
  };

  beforeAll(async () => {
    requireChromium("the ticket page's browser test");
    // Real time: the browser expires the session cookie by its own clock.
    t = await startApp({
      clock: () => new Date(night ?? Date.now()),
      dispatch: {
        classifier: () => new KeywordDispatch({ 油烟: 'urban_management', 物业: 'housing', 着火: 'public_security' }),
        corrections: () => corrections,
      },
    });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await addStaffUser(t.staff, { name: 'li', role: 'maintainer', password: 'maintainer-pass-2026' });
    const housing = await addStaffUser(t.staff, { name: 'wang', role: 'agent', password: 'agent-pass-2026' });
    await t.tickets.setStaffDepartments({ id: 'setup', name: 'setup', role: 'admin' }, housing.id, ['housing']);
    refs.oil = await complain('web-oil', '我要投诉楼下饭店油烟太大了');
    refs.housing = await complain('web-housing', '我要投诉小区物业不作为，楼道灯坏了');
    refs.vague = await complain('web-vague', '我要投诉居委会不给开证明');
    // Out of office hours with nobody on duty an emergency becomes an urgent ticket.
    night = Date.parse('2026-11-25T23:30:00+08:00');
    const fire = await post('/api/v1/messages', { userId: 'web-fire', text: '救命，家里厨房着火了' });
    night = null;
    refs.fire = fire.events.find((e) => e.type === 'ticket.created')?.id as string;
    await vi.waitFor(async () => {
      const all = await t.tickets.list({ id: 'x', name: 'x', role: 'admin' }, {});
      expect(all.tickets.filter((x) => x.dispatch.state === 'done')).toHaveLength(4);
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openPage(name: string, password: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // The 401 of the first /api/staff/me (not logged in yet), the favicon probe and
    // deliberate 404s (another department's ticket) are expected; anything else is not.
    page.on('console', (m) => {
      const url = m.location().url;
      if (m.type() === 'error' && !url.endsWith('/api/staff/me') && !url.endsWith('/favicon.ico') && !url.includes('/api/staff/tickets/T'))
        problems.push(`${m.text()} ${url}`);
    });
    await page.goto(`${base}/console/tickets`);
    await page.fill('#login-name', name);
    await page.fill('#login-password', password);
    await page.press('#login-password', 'Enter');
    await page.locator('#list li[data-reference]').first().waitFor();
    return { page, problems };
  }

  it('filters, opens a ticket, changes its department with a reason and closes it with a result', { timeout: 60_000 }, async () => {
    const { page, problems } = await openPage('li', 'maintainer-pass-2026');
    const listed = () => page.locator('#list li[data-reference]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-reference')));
    expect((await listed()).sort()).toEqual([refs.oil, refs.housing, refs.vague, refs.fire].sort());
    // Filed at night, before the others, yet first: urgent, and marked so.
    expect((await listed())[0]).toBe(refs.fire);
    const fireItem = page.locator(`#list li[data-reference="${refs.fire}"]`);
    expect(await fireItem.getAttribute('class')).toContain('urgent');
    expect(await fireItem.locator('.tag.urgent').textContent()).toBe('紧急');
    expect(await page.locator(`#list li[data-reference="${refs.oil}"] .tag.urgent`).count()).toBe(0);
    expect(await page.locator('#summary').textContent()).toContain('紧急 1 件');
    await page.selectOption('#f-priority', 'urgent');
    await expect.poll(listed).toEqual([refs.fire]);
    await page.click(`#list li[data-reference="${refs.fire}"]`);
    await expect.poll(() => page.locator('#t-title').textContent()).toContain(refs.fire);
    expect(await page.locator('#t-priority').textContent()).toBe('紧急');
    expect(await page.locator('#t-priority').getAttribute('class')).toBe('tag urgent');
    await page.selectOption('#f-priority', '');

    await page.selectOption('#f-department', 'housing');
    await expect.poll(listed).toEqual([refs.housing]);
    await page.selectOption('#f-department', 'unassigned');
    await expect.poll(listed).toEqual([refs.vague]);
    expect(await page.locator(`#list li[data-reference="${refs.vague}"] .unassigned`).textContent()).toBe('待分派');

    await page.click(`#list li[data-reference="${refs.vague}"]`);
    await expect.poll(() => page.locator('#t-title').textContent()).toContain(refs.vague);
    expect(await page.locator('#t-department').textContent()).toBe('待分派');
    expect(await page.locator('#t-dispatch').textContent()).toContain('置信度不足');

    // A department change needs a reason; the page says so before asking the server.
    await page.selectOption('#department-to', 'civil_affairs');
    await page.click('#department-form button[type=submit]');
    await expect.poll(() => page.locator('#status').textContent()).toContain('请填写改派原因');
    await page.fill('#department-reason', '居委会开具证明，属民政条线');
    await page.click('#department-form button[type=submit]');
    await expect.poll(() => page.locator('#status').textContent()).toContain('已改派到 区民政局');
    expect(await page.locator('#t-department').textContent()).toBe('区民政局（人工派单）');
    expect(await page.locator('#history').textContent()).toContain('改派：待分派 → 区民政局；原因：居委会开具证明，属民政条线');
    expect(corrections.recorded.map((c) => c.department)).toEqual(['civil_affairs']);

    await page.selectOption('#status-to', 'in_progress');
    await page.click('#status-form button[type=submit]');
    await expect.poll(() => page.locator('#t-status').textContent()).toBe('办理中');

    await page.selectOption('#status-to', 'resolved');
    await page.click('#status-form button[type=submit]');
    await expect.poll(() => page.locator('#status').textContent()).toContain('办结需要填写办理结果');
    await page.fill('#status-text', '已协调居委会当日开具证明，并对工作人员进行提醒。');
    await page.click('#status-form button[type=submit]');
    await expect.poll(() => page.locator('#t-status').textContent()).toBe('已办结');
    expect(await page.locator('#t-result').textContent()).toBe('已协调居委会当日开具证明，并对工作人员进行提醒。');
    expect(await page.locator('#history').textContent()).toContain('状态：办理中 → 已办结');
    expect(await page.locator('#status-form').isHidden()).toBe(true);

    // The citizen's chat receives it.
    const inbox = (await (await fetch(`${base}/api/v1/messages?userId=web-vague&after=0`, { headers: INTEGRATOR })).json()) as {
      messages: Array<{ text: string }>;
    };
    expect(inbox.messages.map((m) => m.text).join('\n')).toContain('办理结果：已协调居委会当日开具证明');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'tickets.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows an agent only their department’s tickets, and will not open another’s', { timeout: 45_000 }, async () => {
    const { page, problems } = await openPage('wang', 'agent-pass-2026');
    const listed = await page.locator('#list li[data-reference]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-reference')));
    expect(listed).toEqual([refs.housing]);
    const options = await page.locator('#f-department option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
    expect(options).toEqual(['', 'housing']);

    await page.goto(`${base}/console/tickets?ticket=${refs.oil}`);
    await expect.poll(() => page.locator('#empty').textContent()).toContain(`无法打开工单 ${refs.oil}：No ticket ${refs.oil}`);
    expect(await page.locator('#ticket').isHidden()).toBe(true);
    expect(await page.locator('#t-description').textContent()).not.toContain('油烟');
    expect(problems).toEqual([]);
    await page.context().close();
  });
  it('shows a new complaint and a colleague’s change on a page left open, without a reload', { timeout: 45_000 }, async () => {
    const { page, problems } = await openPage('li', 'maintainer-pass-2026');
    await page.locator('#live-status[data-state="open"]').waitFor();
    // Set once; a reload would lose it.
    await page.evaluate(() => Object.assign(globalThis, { leftOpen: true }));
    await page.click(`#list li[data-reference="${refs.oil}"]`);
    await expect.poll(() => page.locator('#t-title').textContent()).toContain(refs.oil);
    await page.fill('#department-reason', '正在核实地址');

    const fresh = await complain('web-live', '我要投诉夜市摊贩油烟熏到楼上住户');
    await page.locator(`#list li[data-reference="${fresh}"]`).waitFor({ timeout: 5000 });
    expect(await page.locator(`#list li[data-reference="${fresh}"] .desc`).textContent()).toContain('夜市摊贩');

    // A colleague takes up the ticket on screen: its detail follows, and what was being typed stays.
    await addStaffUser(t.staff, { name: 'zhao', role: 'maintainer', password: 'maintainer-pass-2027' });
    const zhao = await login(t.app, 'zhao', 'maintainer-pass-2027');
    expect((await zhao.post(`/api/staff/tickets/${refs.oil}/status`, { status: 'in_progress' })).statusCode).toBe(200);
    await expect.poll(() => page.locator('#t-status').textContent(), { timeout: 5000 }).toBe('办理中');
    expect(await page.locator('#status').textContent()).toContain('zhao 刚刚更新了此工单');
    expect(await page.locator('#history').textContent()).toContain('状态：已受理 → 办理中');
    expect(await page.locator('#department-reason').inputValue()).toBe('正在核实地址');
    expect(await page.locator(`#list li[data-reference="${refs.oil}"]`).textContent()).toContain('办理中');

    expect(await page.evaluate(() => (globalThis as { leftOpen?: boolean }).leftOpen)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

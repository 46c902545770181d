/**
 * Service analytics on a month of real traffic (test/helpers/analytics-seed.ts:
 * citizens through the web chat API, staff through the staff API, the
 * shipped model): the JSON API's numbers, who may see them, the dashboard
 * page's safety, and `npm run report` writing the same as HTML and CSV.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOTPOT, SEED_MONTH, type SeedRecord, seedServiceMonth, XSS } from '../helpers/analytics-seed.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { type StaffClient, staffMember } from '../helpers/staff.js';

const run = promisify(execFile);
const MONTH = `from=${SEED_MONTH.from}&to=${SEED_MONTH.to}`;
const ESCAPED_XSS = '&lt;script&gt;alert(1)&lt;/script&gt;';

let now = 0;
let t: TestApp;
let seeded: SeedRecord;
let maintainer: StaffClient;
let month: any;

beforeAll(async () => {
  t = await startApp({ clock: () => new Date(now), env: { OFFICE_HOURS: 'always', OFFICE_DAYS: '1,2,3,4,5,6,7' } });
  seeded = await seedServiceMonth(t, (ms) => {
    now = ms;
  });
  now = Date.parse('2026-12-01T09:00:00+08:00');
  maintainer = await staffMember(t, 'analyst', 'maintainer');
  const res = await maintainer.get(`/api/staff/analytics?${MONTH}`);
  expect(res.statusCode).toBe(200);
  month = res.json();
});
afterAll(async () => t?.close());

describe('the analytics of a month', () => {
  it('counts the citizens and their messages inside the month, by Shanghai day', () => {
    expect(month.range).toEqual({ from: '2026-11-01', to: '2026-11-30', days: 30 });
    expect(month.headline.messages).toBe(seeded.messages);
    expect(month.headline.messages).toBe(21);
    expect(month.headline.citizens).toBe(seeded.citizens.size);
    const day = (d: string) => month.volume.days.find((x: { day: string }) => x.day === d);
    expect(month.volume.days).toHaveLength(30);
    expect(day('2026-11-02')).toEqual({ day: '2026-11-02', total: 5, byChannel: { web: 5 } });
    // 23:59 on the last day counts; 10-31 23:59 and 12-01 00:00 (Shanghai) do not.
    expect(day('2026-11-30').total).toBe(1);
    expect(month.intents.find((i: { intent: string }) => i.intent === 'residence_permit')).toMatchObject({ label: '居住证', count: 2 });
  });

  it('splits what the assistant dealt with from what went to a person or was not understood', () => {
    expect(month.outcomes.totals).toEqual({ assistant: 13, escalated: 2, fallback: 4, staff: 2, other: 0 });
    expect(month.headline.answeredShare).toBeCloseTo(13 / 19, 6);
    expect(month.outcomes.shares.fallback).toBeCloseTo(4 / 19, 6);
  });

  it('counts handoffs by reason, and times staff with median and p90', () => {
    expect(month.headline.handoffs).toBe(2);
    expect(month.escalations).toEqual([
      { reason: 'anger', label: '情绪激动/不文明用语', count: 1, share: 0.5 },
      { reason: 'asked_for_human', label: '市民要求转人工', count: 1, share: 0.5 },
    ]);
    expect(month.staff.firstResponse).toEqual({ count: 2, medianSeconds: 120, p90Seconds: 360 });
    expect(month.staff.resolution).toEqual({ count: 2, medianSeconds: 600, p90Seconds: 1800 });
  });

  it('shows 好差评 by level and day, and the records that came of the month', () => {
    expect(month.ratings.total).toBe(2);
    expect(month.ratings.levels.map((l: { label: string; count: number }) => [l.label, l.count])).toEqual([
      ['非常满意', 1],
      ['满意', 0],
      ['基本满意', 0],
      ['不满意', 1],
      ['非常不满意', 0],
    ]);
    expect(month.headline.satisfaction).toBe(0.5);
    const rated = month.ratings.days.filter((d: { count: number }) => d.count > 0);
    expect(rated.map((d: { day: string; rate: number }) => [d.day, d.rate])).toEqual([
      ['2026-11-03', 1],
      ['2026-11-04', 0],
    ]);
    // The complaint, and the follow-up of the 不满意 rating; one appointment.
    expect(month.tickets).toEqual({ complaint: 1, follow_up: 1 });
    expect(month.headline).toMatchObject({ tickets: 2, callbacks: 0, appointments: 1 });
  });

  it('groups the same unanswered question asked three ways, from masked text only', () => {
    const [top, second] = month.unanswered.groups;
    expect(top).toMatchObject({ text: HOTPOT[0], count: 3, notUnderstood: 3 });
    expect(top.examples.sort()).toEqual([HOTPOT[1], HOTPOT[2]].sort());
    expect(second).toMatchObject({ text: XSS, count: 1 });
    // The complaint's phone number was typed in the month; no analytics output carries it.
    expect(JSON.stringify(month)).not.toContain('13912345678');
  });

  it('finds the busiest hours by weekday (Monday first) and hour', () => {
    expect(month.hours.grid[0][9]).toBe(5); // Mon 11-02 09:xx
    expect(month.hours.grid[0][23]).toBe(1); // Mon 11-30 23:59
    expect(month.hours.peak).toEqual({ weekday: 2, hour: 20, count: 10 }); // Wed 11-04 20:xx
  });
});

describe('who may see it', () => {
  it('refuses agents and strangers, and reads a bad range as a 400', async () => {
    const agent = await staffMember(t, 'desk-agent', 'agent');
    const denied = await agent.get(`/api/staff/analytics?${MONTH}`);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
    const anonymous = await t.app.inject({ method: 'GET', url: `/api/staff/analytics?${MONTH}` });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
    const admin = await staffMember(t, 'chief', 'admin');
    expect((await admin.get(`/api/staff/analytics?${MONTH}`)).statusCode).toBe(200);
    for (const q of ['from=2026-11-31&to=2026-12-01', 'from=2026-12-01&to=2026-11-01', 'from=2020-01-01&to=2026-11-30']) {
      const bad = await maintainer.get(`/api/staff/analytics?${q}`);
      expect(bad.statusCode, q).toBe(400);
      expect(bad.json().error.code).toBe('BAD_REQUEST');
    }
  });

  it('answers the dashboard with a page saying what to do when not allowed', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/console/dashboard' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/text\/html/);
    expect(anonymous.body).toContain('请先登录');
    expect(anonymous.body).toContain('href="/console"');
    const agent = await staffMember(t, 'desk-agent-2', 'agent');
    const denied = await agent.get('/console/dashboard');
    expect(denied.statusCode).toBe(403);
    expect((denied as unknown as { body: string }).body).toContain('没有权限');
  });

  it('defaults to the last 30 days', async () => {
    const res = (await maintainer.get('/api/staff/analytics')).json();
    expect(res.range).toEqual({ from: '2026-11-02', to: '2026-12-01', days: 30 });
  });
});

describe('the dashboard page', () => {
  it('escapes citizen text, runs no script and allows only its own stylesheet', async () => {
    const res = await maintainer.get(`/console/dashboard?${MONTH}`);
    expect(res.statusCode).toBe(200);
    const html = (res as unknown as { body: string }).body;
    const headers = (res as unknown as { headers: Record<string, string> }).headers;
    expect(html).toContain(ESCAPED_XSS);
    expect(html).not.toMatch(/<script/i);
    const csp = headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).not.toContain('unsafe-inline');
    expect(html).toContain('data-testid="headline-messages">21<');
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(7);
  });

  it('offers the same report as a file to download', async () => {
    const res = await maintainer.get(`/console/dashboard/report?${MONTH}`);
    expect(res.statusCode).toBe(200);
    const headers = (res as unknown as { headers: Record<string, string> }).headers;
    expect(headers['content-disposition']).toBe('attachment; filename="report-2026-11-01-2026-11-30.html"');
    expect((res as unknown as { body: string }).body).not.toContain('range-form');
  });
});

describe('npm run report', () => {
  it('writes the month as a self-contained HTML file and CSV tables with a BOM', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'wz-report-'));
    const { stdout } = await run(
      path.resolve('node_modules/.bin/tsx'),
      ['scripts/report.ts', '--from', SEED_MONTH.from, '--to', SEED_MONTH.to, '--out', out],
      { env: { ...process.env, DATA_DIR: path.dirname(t.dbFile), LOG_LEVEL: 'silent' }, timeout: 60_000 },
    );
    expect(stdout).toContain('21 messages from 12 citizens, 2 handoffs');
    const prefix = 'report-2026-11-01-2026-11-30';
    expect(readdirSync(out).sort()).toEqual(
      ['daily-volume', 'escalation-reasons', 'hourly', 'intents', 'ratings', 'tickets-by-department', 'unanswered']
        .map((n) => `${prefix}-${n}.csv`)
        .concat(`${prefix}.html`)
        .sort(),
    );
    const html = readFileSync(path.join(out, `${prefix}.html`), 'utf8');
    expect(html).toContain('data-testid="headline-messages">21<');
    expect(html).toContain('data-testid="headline-satisfaction">50.0%<');
    expect(html).toContain(ESCAPED_XSS);
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    expect(html).toContain('http-equiv="Content-Security-Policy"');

    const csv = (name: string) => readFileSync(path.join(out, `${prefix}-${name}.csv`), 'utf8');
    for (const name of ['daily-volume', 'intents', 'unanswered', 'ratings', 'hourly', 'escalation-reasons']) {
      expect(csv(name).startsWith('\ufeff'), name).toBe(true);
    }
    expect(csv('daily-volume')).toContain('\r\n2026-11-02,5,5,');
    expect(csv('intents')).toContain('\r\n居住证,residence_permit,2,');
    expect(csv('escalation-reasons')).toContain('\r\n情绪激动/不文明用语,anger,1,0.5000');
    expect(csv('unanswered')).toContain(`\r\n1,${HOTPOT[0]},3,3,`);
    expect(csv('ratings')).toContain('\r\n2026-11-04,1,0,0,0,1,0,0\r\n');
    expect(csv('ratings')).toContain('\r\n合计,2,1,0,0,1,0,0.5000\r\n');
    // The month's complaint and bad-rating follow-up, with no dispatch model here: both wait in 待分派.
    expect(csv('tickets-by-department')).toContain('\r\n待分派,unassigned,2,2,0,0,');
    expect(csv('hourly').split('\r\n')[1]?.split(',')).toEqual(['周一', ...'000000000500000000000001'.split('').map(String), '6']);
  });
});

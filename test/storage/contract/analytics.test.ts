/**
 * Analytics on both databases: the same month of service, played through
 * the public API on SQLite and on PostgreSQL, gives the same figures —
 * Shanghai days and hours, handoff timings, ratings, unanswered questions.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dateRange } from '../../../src/analytics/range.js';
import { serviceAnalytics } from '../../../src/analytics/service-analytics.js';
import type { AnalyticsFacts } from '../../../src/core/analytics.js';
import { SEED_MONTH, type SeedRecord, seedServiceMonth } from '../../helpers/analytics-seed.js';
import { startApp, type TestApp } from '../../helpers/app.js';
import { describePostgres } from '../../helpers/describe-postgres.js';

const RANGE = dateRange(SEED_MONTH.from, SEED_MONTH.to);
const CRITERIA = { lowConfidence: 0.6, conversational: ['greeting', 'thanks', 'affirm', 'deny'], unansweredLimit: 100 };
const key = (x: unknown) => JSON.stringify(x);
/** Row order within a group is the database's own: compare as sets of rows. */
const sorted = (f: AnalyticsFacts) => ({
  ...f,
  traffic: [...f.traffic].sort((a, b) => key(a).localeCompare(key(b))),
  intents: [...f.intents].sort((a, b) => key(a).localeCompare(key(b))),
  handoffs: [...f.handoffs].sort((a, b) => a.createdAt - b.createdAt),
  ratings: [...f.ratings].sort((a, b) => key(a).localeCompare(key(b))),
});

describePostgres('analytics figures on SQLite and PostgreSQL', () => {
  const apps: Record<'sqlite' | 'postgres', { t: TestApp; seed: SeedRecord } | undefined> = { sqlite: undefined, postgres: undefined };

  beforeAll(async () => {
    for (const store of ['sqlite', 'postgres'] as const) {
      let now = Date.parse('2026-11-01T00:00:00+08:00');
      const t = await startApp({ clock: () => new Date(now), store, env: { OFFICE_HOURS: 'always', OFFICE_DAYS: '1,2,3,4,5,6,7' } });
      apps[store] = { t, seed: await seedServiceMonth(t, (ms) => (now = ms)) };
    }
  }, 240_000);

  afterAll(async () => {
    await apps.sqlite?.t.close();
    await apps.postgres?.t.close();
  });

  // Ticket work (dispatch, due dates, results) is on SQLite only until PostgreSQL has its ticket
  // repository: its facts and panel are compared once both have them.
  const withoutTicketWork = <T extends { ticketWork?: unknown }>(x: T | undefined) => x && { ...x, ticketWork: undefined };

  it('reads the same facts from both databases', async () => {
    const [lite, pg] = await Promise.all([apps.sqlite, apps.postgres].map((a) => a?.t.storage.analytics.facts(RANGE, CRITERIA)));
    expect(withoutTicketWork(pg && sorted(pg))).toEqual(withoutTicketWork(lite && sorted(lite)));
  });

  it('counts the seeded month on PostgreSQL as it was played', async () => {
    const a = apps.postgres;
    const facts = (await a?.t.storage.analytics.facts(RANGE, CRITERIA)) as AnalyticsFacts;
    expect(facts.citizens).toBe(a?.seed.citizens.size);
    expect(facts.traffic.reduce((n, r) => n + r.count, 0)).toBe(a?.seed.messages);
    expect(facts.handoffs).toHaveLength(2);
    expect(facts.ratings.map((r) => [r.day, r.level, r.count]).sort()).toEqual([
      ['2026-11-03', 5, 1],
      ['2026-11-04', 2, 1],
    ]);
    // 23:59 on the last day, Shanghai time, is the month's last hour.
    expect(facts.traffic.some((r) => r.day === '2026-11-30' && r.hour === 23)).toBe(true);
    expect(facts.traffic.some((r) => r.day === '2026-11-02' && r.hour === 9)).toBe(true);
  });

  it('summarises to the same report on both', async () => {
    const now = new Date('2026-12-02T10:00:00+08:00');
    const [lite, pg] = await Promise.all(
      [apps.sqlite, apps.postgres].map((a) => a && serviceAnalytics(a.t.storage.analytics, RANGE, now, { lowConfidence: 0.6 })),
    );
    expect(withoutTicketWork(pg)).toEqual(withoutTicketWork(lite));
  });
});

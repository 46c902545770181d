/**
 * A staff reply that could not go out is re-sent when the citizen writes
 * again. With two instances, the citizen's consecutive messages may land on
 * both, and both try to re-send: the citizen must still get it once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CitizenSender } from '../../src/staff/outbox.js';
import { type AppsOnOneDatabase, startAppsOnFreshDatabase, type TestApp } from '../helpers/app.js';
import { describePostgres } from '../helpers/postgres.js';
import { say, staffMember } from '../helpers/staff.js';

describePostgres('re-sending waiting staff replies on two instances', () => {
  let fleet: AppsOnOneDatabase<[TestApp, TestApp]>;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const options = { clock: () => new Date(), env: { OFFICE_HOURS: 'always', OFFICE_DAYS: '1,2,3,4,5,6,7' } };
    fleet = await startAppsOnFreshDatabase(options, options);
    [a, b] = fleet.apps;
  });
  afterAll(() => fleet?.close());

  it('sends each waiting reply once when both instances re-send at the same moment', async () => {
    const down: CitizenSender = { deliver: async () => ({ delivery: 'failed', error: 'CHANNEL_OFFLINE' }) };
    a.outbox.register('web', down);
    const asked = await say(a, 'fleet-redeliver-1', '转人工');
    const handoffId = asked.events.find((e) => e.type === 'handoff.requested')?.id as string;
    const agent = await staffMember(a, 'redeliver-agent', 'agent');
    expect((await agent.post(`/api/staff/handoffs/${handoffId}/claim`)).statusCode).toBe(200);
    expect((await agent.post(`/api/staff/handoffs/${handoffId}/reply`, { text: '您好，我来帮您。' })).statusCode).toBe(200);

    const sent: string[] = [];
    const slowButUp = (instance: string): CitizenSender => ({
      deliver: async (_to, text) => {
        sent.push(`${instance}: ${text}`);
        await new Promise((r) => setTimeout(r, 150));
        return { delivery: 'sent', error: null };
      },
    });
    a.outbox.register('web', slowButUp('A'));
    b.outbox.register('web', slowButUp('B'));
    const conversation = await a.store.find('web', 'fleet-redeliver-1');
    if (!conversation) throw new Error('no conversation');
    const counts = await Promise.all([a.desk.redeliver(conversation), b.desk.redeliver(conversation)]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/您好，我来帮您。$/);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(1);
  });
});

/**
 * What one live event costs the database on an instance: deciding who of
 * the connected consoles hears it takes the same few store calls whether
 * two agents are connected or six (it used to take one per agent, so 50
 * consoles made ~50 queries per ticket change on every instance). Counted
 * as calls to the ticket and staff store ports, the stores the sight rules
 * read; on PostgreSQL the event comes from the other instance over
 * LISTEN/NOTIFY and is counted where the consoles are.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffEvent } from '../../src/staff/events.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { eventStream, type LiveEvent } from '../helpers/event-stream.js';
import { describePostgres, freshDatabase, type TestDatabase } from '../helpers/postgres.js';
import { type StaffClient, say, staffMember } from '../helpers/staff.js';

type Stream = Awaited<ReturnType<typeof eventStream>>;

/** Records the name of every method called on a store, the way a driver would count round trips. */
function recordCalls(store: object): { calls: string[] } {
  const seen = { calls: [] as string[] };
  for (let proto = Object.getPrototypeOf(store); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto))
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = (store as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof method !== 'function' || Object.hasOwn(store, name)) continue;
      Object.defineProperty(store, name, {
        configurable: true,
        writable: true,
        value: (...args: unknown[]) => {
          seen.calls.push(name);
          return method.apply(store, args);
        },
      });
    }
  return seen;
}

const CLOCK = () => new Date('2026-11-25T10:00:00+08:00');

/** `publisher` makes the events (the same app on SQLite, the other instance on PostgreSQL); `consoles` serves the streams. */
function costPerEvent(apps: () => { publisher: TestApp; consoles: TestApp }) {
  it('decides who hears a ticket or handoff event with the same store calls for two connected agents as for six', async () => {
    const { publisher, consoles } = apps();
    await consoles.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(consoles.app.server.address() as AddressInfo).port}`;
    const boss = await staffMember(consoles, 'cost-boss', 'admin');
    const listen = (who: StaffClient) => eventStream(`${base}/api/staff/events`, { cookie: `wz_session=${who.cookie}` });
    const agents: Stream[] = [];
    const connect = async (count: number) => {
      for (let i = agents.length; i < count; i++) {
        const agent = await staffMember(consoles, `cost-agent-${i}`, 'agent');
        expect((await boss.post(`/api/staff/users/${agent.id}/departments`, { departments: ['housing'] })).statusCode).toBe(200);
        agents.push(await listen(agent));
      }
    };
    const bossStream = await listen(boss);
    const streams = () => [...agents, bossStream];
    const heard = (s: Stream, match: (e: LiveEvent) => boolean) => s.events.filter((e) => match(e.event)).length;
    try {
      await connect(2);
      const handoffId = (await say(publisher, 'cost-citizen', '转人工')).events.find((e) => e.type === 'handoff.requested')?.id;
      for (const s of streams()) await expect.poll(() => heard(s, (e) => e.handoffId === handoffId), { timeout: 5000 }).toBeGreaterThan(0);

      const tickets = recordCalls(consoles.storage.tickets as object);
      const staff = recordCalls(consoles.staff);
      let n = 0;
      /** The store calls made on the consoles' instance until every stream has heard the event. */
      const cost = async (e: StaffEvent, match: (e: LiveEvent) => boolean) => {
        const all = streams();
        const before = all.map((s) => heard(s, match));
        tickets.calls.length = 0;
        staff.calls.length = 0;
        publisher.events.publish(e);
        for (const [i, s] of all.entries()) await expect.poll(() => heard(s, match), { timeout: 5000 }).toBe((before[i] as number) + 1);
        return [...tickets.calls, ...staff.calls];
      };
      const both = async () => {
        const ticket = `COST-${++n}`;
        return {
          ticketEvent: await cost({ type: 'ticket.changed', ticket, change: 'note', department: 'housing' }, (e) => e.ticket === ticket),
          // A queued handoff: every agent sees it, so each agent's stream carries its messages.
          handoffEvent: await cost(
            { type: 'handoff.message', handoffId: handoffId as string },
            (e) => e.type === 'handoff.message' && e.handoffId === handoffId,
          ),
        };
      };

      const withTwo = await both();
      await connect(6);
      const withSix = await both();
      expect({ withTwo, withSix }).toEqual({
        withTwo: { ticketEvent: ['departmentsOfStaff'], handoffEvent: ['handoff'] },
        withSix: { ticketEvent: ['departmentsOfStaff'], handoffEvent: ['handoff'] },
      });
    } finally {
      await Promise.all(streams().map((s) => s.close()));
    }
  });
}

describe('live event cost on SQLite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ clock: CLOCK });
  });
  afterAll(() => t?.close());
  costPerEvent(() => ({ publisher: t, consoles: t }));
});

describePostgres('live event cost on PostgreSQL, the event made on another instance', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    database = await freshDatabase();
    a = await startApp({ clock: CLOCK, database });
    b = await startApp({ clock: CLOCK, database });
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });
  costPerEvent(() => ({ publisher: b, consoles: a }));
});

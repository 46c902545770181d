/**
 * Conversation transcripts (test/conversations/*.yaml) run through the real
 * HTTP API with the shipped model and a fresh database each (SQLite, or
 * PostgreSQL for test/e2e/postgres-app.test.ts). A turn checks
 * reply fragments, the conversation state, the form's slots and the events;
 * `after` moves the clock; `restart` closes the app and opens a new one on
 * the same database. `expect` checks the rows the conversation left.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { INTEGRATOR, startApp, type TestApp } from './app.js';
import { emptyTables, freshDatabase, type TestDatabase } from './pg-database.js';

interface Turn {
  user: string;
  /** Another citizen sends this message (default: the transcript's user). */
  as?: string;
  reply?: string | string[];
  not_reply?: string | string[];
  state?: string;
  intent?: string | null;
  slots?: Record<string, string>;
  events?: string[];
  after?: string;
  restart?: boolean;
}

interface Transcript {
  name: string;
  now?: string;
  user?: string;
  /** Settings for this transcript's app (e.g. OFFICE_HOURS). */
  env?: Record<string, string>;
  turns: Turn[];
  expect?: { appointments?: object[]; tickets?: object[]; handoffs?: object[] };
}

const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'conversations');
const list = (x: string | string[] | undefined) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const duration = (s: string) => {
  const m = /^(\d+)(s|m|h|d)$/.exec(s);
  if (!m) throw new Error(`bad duration ${s}`);
  return Number(m[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2] as 's' | 'm' | 'h' | 'd'];
};

export function transcriptSuites(store: 'sqlite' | 'postgres'): void {
  // PostgreSQL: one database for the file, emptied before each transcript.
  let database: TestDatabase | undefined;
  if (store === 'postgres') {
    beforeAll(async () => {
      database = await freshDatabase();
    });
    beforeEach(async () => {
      if (database) await emptyTables(database.url);
    });
    afterAll(async () => {
      await database?.drop();
    });
  }
  for (const file of readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const transcripts = parseYaml(readFileSync(path.join(DIR, file), 'utf8')) as Transcript[];
    describe(file.replace('.yaml', ''), () => {
      for (const t of transcripts) {
        it(t.name, async () => {
          let now = new Date(t.now ?? '2026-11-25T10:00:00+08:00').getTime();
          const clock = () => new Date(now);
          let running: TestApp = await startApp({ clock, store, database, env: t.env });
          const userId = t.user ?? `citizen-${Math.random().toString(36).slice(2)}`;
          try {
            for (const [i, turn] of t.turns.entries()) {
              const where = `turn ${i + 1} "${turn.user}"`;
              if (turn.after) now += duration(turn.after);
              if (turn.restart) running = await running.restart();
              const res = await running.app.inject({
                method: 'POST',
                url: '/api/v1/messages',
                headers: INTEGRATOR,
                payload: { userId: turn.as ?? userId, text: String(turn.user) },
              });
              expect(res.statusCode, where).toBe(200);
              const body = res.json();
              const said = body.replies.map((r: { text: string }) => r.text).join('\n');
              for (const fragment of list(turn.reply)) expect(said, `${where} should say "${fragment}"`).toContain(fragment);
              for (const fragment of list(turn.not_reply)) expect(said, `${where} should not say "${fragment}"`).not.toContain(fragment);
              if (turn.state) expect(body.conversation.state, `${where} state`).toBe(turn.state);
              if (turn.intent !== undefined) expect(body.conversation.activeIntent, `${where} active form`).toBe(turn.intent);
              if (turn.slots) expect(body.conversation.slots, `${where} slots`).toMatchObject(turn.slots);
              if (turn.events)
                expect(
                  body.events.map((e: { type: string }) => e.type),
                  `${where} events`,
                ).toEqual(turn.events);
            }
            if (t.expect?.appointments) expect(await running.store.appointments()).toMatchObject(t.expect.appointments);
            if (t.expect?.tickets) expect(await running.store.tickets()).toMatchObject(t.expect.tickets);
            if (t.expect?.handoffs) expect(await running.store.handoffs()).toMatchObject(t.expect.handoffs);
          } finally {
            await running.close();
          }
        });
      }
    });
  }
}

/** Staff accounts from the CLI, live updates over server-sent events, and staff-only intents. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/core/conversation.js';
import type { Parse } from '../../src/core/parse.js';
import { loadBehaviour } from '../../src/dialogue/definitions.js';
import { DialogueEngine } from '../../src/dialogue/engine.js';
import { INTEGRATOR, startApp } from '../helpers/app.js';
import { login, say, staffMember } from '../helpers/staff.js';

const TSX = path.resolve('node_modules/.bin/tsx');

function userAdd(args: string[], stdin: string, dataDir: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      TSX,
      ['scripts/user-add.ts', ...args],
      { env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
    child.stdin?.end(stdin);
  });
}

describe('npm run user:add', () => {
  it('creates an account whose password (read from stdin) logs in, and refuses weak input', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wz-user-'));
    const made = await userAdd(['--name', 'wangli', '--role', 'maintainer'], 'a-good-long-password\n', dataDir);
    expect(made.code, made.out).toBe(0);
    expect(made.out).toMatch(/created maintainer "wangli"/);
    expect((await userAdd(['--name', 'wangli', '--role', 'agent'], 'another-long-password\n', dataDir)).out).toMatch(/already exists/);
    expect((await userAdd(['--name', 'liu', '--role', 'agent'], 'short\n', dataDir)).out).toMatch(/at least 10 characters/);
    expect((await userAdd(['--name', 'liu', '--role', 'root'], 'a-good-long-password\n', dataDir)).out).toMatch(/role must be one of/);

    const t = await startApp({ clock: () => new Date(), dbFile: path.join(dataDir, 'wenzheng.db') });
    try {
      const me = await login(t.app, 'wangli', 'a-good-long-password');
      expect((await me.get('/api/staff/me')).json().user).toMatchObject({ name: 'wangli', role: 'maintainer' });
    } finally {
      await t.close();
    }
  });
});

describe('live updates', () => {
  it('streams a new handoff and its messages to a logged-in console as server-sent events', async () => {
    const t = await startApp({ clock: () => new Date('2026-11-25T10:00:00+08:00') });
    try {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      const agent = await staffMember(t, 'zhangmin', 'agent');
      expect((await fetch(`${base}/api/staff/events`)).status).toBe(401);
      const stream = await fetch(`${base}/api/staff/events`, { headers: { cookie: `wz_session=${agent.cookie}` } });
      expect(stream.headers.get('content-type')).toContain('text/event-stream');
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      const events: Array<{ type: string; handoffId: string }> = [];
      const reading = (async () => {
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += new TextDecoder().decode(value);
          for (const line of buffer.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)));
          buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
      const turn = await say(t, 'citizen-live', '转人工');
      const id = turn.events.find((e) => e.type === 'handoff.requested')?.id;
      await say(t, 'citizen-live', '在吗');
      await expect.poll(() => events.map((e) => e.type), { timeout: 3000 }).toEqual(['handoff.created', 'handoff.message']);
      expect(events.every((e) => e.handoffId === id)).toBe(true);
      await agent.post(`/api/staff/handoffs/${id}/claim`);
      await expect.poll(() => events.at(-1), { timeout: 3000 }).toMatchObject({ type: 'handoff.claimed', by: { name: 'zhangmin' } });
      await agent.post(`/api/staff/handoffs/${id}/reply`, { text: '您好，我是客服小张。' });
      await expect.poll(() => events.at(-1)?.type, { timeout: 3000 }).toBe('handoff.message');
      // The reply reaches the web citizen on their next poll, and the console hears of it.
      const polled = (await t.app.inject({ method: 'GET', url: '/api/v1/messages?userId=citizen-live', headers: INTEGRATOR })).json();
      expect(polled.messages.map((m: { text: string }) => m.text)).toContain('您好，我是客服小张。');
      await expect.poll(() => events.at(-1), { timeout: 3000 }).toEqual({ type: 'handoff.delivered', handoffId: id });
      // A second poll finds nothing new to deliver: no second event.
      await t.app.inject({ method: 'GET', url: `/api/v1/messages?userId=citizen-live&after=${polled.cursor}`, headers: INTEGRATOR });
      await new Promise((r) => setTimeout(r, 100));
      expect(events.filter((e) => e.type === 'handoff.delivered')).toHaveLength(1);
      await reader.cancel();
      await reading.catch(() => {});
    } finally {
      await t.close();
    }
  });
});

describe('intents marked staff only', () => {
  it('answers what it can and hands the conversation to a person', () => {
    const behaviour = loadBehaviour('intents');
    const def = behaviour.intents.get('public_housing');
    if (!def) throw new Error('public_housing is not defined');
    behaviour.intents.set('public_housing', { ...def, staff_only: true });
    const engine = new DialogueEngine(behaviour);
    const parse: Parse = {
      text: '公租房资格怎么审核',
      normalised: '公租房资格怎么审核',
      tokens: [],
      intent: 'public_housing',
      score: 0.9,
      activation: 0.9,
      topIntent: 'public_housing',
      alternatives: [{ intent: 'public_housing', score: 0.9 }],
      entities: [],
      modelVersion: 'test',
    };
    const step = engine.step(initialState(), parse, new Date('2026-11-25T10:00:00+08:00'), null);
    expect(step.state.status).toBe('handoff');
    expect(step.actions).toEqual([{ type: 'request_handoff', reason: 'staff_only', priority: 'normal', summary: '公租房资格怎么审核' }]);
    expect(step.replies[0]?.text).toBe(def.answer);
    // Without the mark the same parse is simply answered.
    const plain = new DialogueEngine(loadBehaviour('intents')).step(initialState(), parse, new Date('2026-11-25T10:00:00+08:00'), null);
    expect(plain.actions).toEqual([]);
  });
});

import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { INTEGRATOR, shippedModel, startApp, type TestApp } from '../helpers/app.js';

const clock = () => new Date('2026-11-25T10:00:00+08:00');

describe('POST /api/v1/messages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ clock, env: { RATE_LIMIT_USER_PER_MINUTE: '5', RATE_LIMIT_IP_PER_MINUTE: '8' } });
  });
  afterAll(() => t.close());

  it('returns replies, the parse, the conversation and events', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: INTEGRATOR,
      payload: { userId: 'shape-1', text: '我要预约' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.replies[0]).toMatchObject({ type: 'text', text: expect.any(String) });
    expect(body.parse).toMatchObject({ intent: 'appointment', modelVersion: expect.any(String) });
    expect(body.conversation).toMatchObject({ id: expect.any(String), state: 'form', activeIntent: 'appointment', slots: {} });
    expect(body.events).toEqual([]);
  });

  it('answers an integrator body without userId with 400 BAD_REQUEST', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: INTEGRATOR, payload: { text: '你好' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
  });

  it('answers blank text with 400 TEXT_REQUIRED', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: INTEGRATOR,
      payload: { userId: 'blank-1', text: '  ' },
    });
    expect(res.json().error.code).toBe('TEXT_REQUIRED');
  });

  it('limits one user with a friendly 429, while another user on another IP goes on', async () => {
    const send = (userId: string, ip: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/messages', remoteAddress: ip, headers: INTEGRATOR, payload: { userId, text: '你好' } });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await send('chatty-1', '10.9.0.1')).statusCode);
    expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await send('chatty-1', '10.9.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(limited.json().replies[0].text).toMatch(/请稍等/);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await send('calm-1', '10.9.0.2')).statusCode).toBe(200);
  });

  it('limits one IP across many user ids', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 9; i++) {
      codes.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/messages',
            remoteAddress: '10.9.0.3',
            headers: INTEGRATOR,
            payload: { userId: `ip-user-${i}`, text: '你好' },
          })
        ).statusCode,
      );
    }
    expect(codes.slice(0, 8).every((c) => c === 200)).toBe(true);
    expect(codes[8]).toBe(429);
  });
});

/** An appointment form's five answers, sent at once as a fast typist's phone would. */
function sendFormAtOnce(t: TestApp, userId: string, ip: string) {
  const texts = ['我想预约办事', '社保卡', '徐汇', '下周一', '下午'];
  return Promise.all(
    texts.map((text) =>
      t.app.inject({ method: 'POST', url: '/api/v1/messages', remoteAddress: ip, headers: INTEGRATOR, payload: { userId, text } }),
    ),
  );
}

const FORM_FILLED_IN_ORDER = { service: 'social_security_card', district: '徐汇区', date: '2026-11-30', period: 'pm' };

describe('message ordering', () => {
  it('processes one user’s messages strictly one at a time, in arrival order', async () => {
    const t = await startApp({ clock });
    try {
      const last = (await sendFormAtOnce(t, 'ordered-1', '10.9.1.1')).at(-1)?.json();
      expect(last.replies[0].text).toMatch(/请确认.*社保卡.*徐汇区.*11月30日.*下午/);
      expect(last.conversation.slots).toMatchObject(FORM_FILLED_IN_ORDER);
    } finally {
      await t.close();
    }
  });
});

describe('with a parse thread (PARSE_THREADS=1)', () => {
  it('parses on the thread once it is ready, and still fills one user’s form in arrival order', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wz-threads-'));
    cpSync(inject('shippedModelDir'), path.join(dir, 'models', shippedModel().version), { recursive: true });
    const t = await startApp({ clock, dbFile: path.join(dir, 'wenzheng.db'), env: { PARSE_THREADS: '1' } });
    try {
      const ready = async () => /wenzheng_parse_threads_ready (\d+)/.exec((await t.app.inject({ url: '/metrics' })).body)?.[1];
      await expect.poll(ready, { timeout: 30_000, interval: 100 }).toBe('1');
      const replies = await sendFormAtOnce(t, 'threaded-1', '10.9.1.2');
      expect(replies.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(replies.at(-1)?.json().conversation.slots).toMatchObject(FORM_FILLED_IN_ORDER);
    } finally {
      await t.close();
    }
  });
});

describe('the web chat page', () => {
  it('is served at / as a phone-ready page that renders replies as text, not HTML', async () => {
    const t = await startApp({ clock });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('name="viewport"');
      expect(res.body).toContain('/api/v1/messages');
      expect(res.body).not.toContain('innerHTML =');
    } finally {
      await t.close();
    }
  });
});

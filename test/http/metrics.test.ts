import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATOR, startApp, type TestApp } from '../helpers/app.js';

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ clock: () => new Date('2026-11-25T10:00:00+08:00') });
  });
  afterAll(() => t.close());

  const send = (userId: string, text: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: INTEGRATOR, payload: { userId, text } });

  it('counts messages by channel and outcome, intents, parse latency, escalations and the queue', async () => {
    await send('m-1', '奶茶杯是什么垃圾');
    await send('m-2', '讲个笑话吧');
    await send('m-3', '转人工');
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    const body = res.body;
    expect(body).toMatch(/wenzheng_messages_total\{channel="web",outcome="answer"\} 1/);
    expect(body).toMatch(/wenzheng_messages_total\{channel="web",outcome="fallback"\} 1/);
    expect(body).toMatch(/wenzheng_intents_total\{intent="garbage_sorting"\} 1/);
    expect(body).toMatch(/wenzheng_parse_seconds_count 3/);
    expect(body).toMatch(/wenzheng_escalations_total\{reason="asked_for_human",priority="normal"\} 1/);
    expect(body).toMatch(/wenzheng_handoff_queue_length 1/);
    expect(body).toMatch(/wenzheng_process_resident_memory_bytes/);
  });
});

describe('GET /readyz', () => {
  it('is ready when the model is loaded and the database takes writes', async () => {
    const t = await startApp({ clock: () => new Date() });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ready', database: true, model: expect.any(String) });
    } finally {
      await t.close();
    }
  });

  it('is not ready when the database cannot take writes', async () => {
    const t = await startApp({ clock: () => new Date(), wrapStore: (s) => Object.assign(s, { writable: async () => false }) });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'not_ready', database: false });
    } finally {
      await t.close();
    }
  });
});

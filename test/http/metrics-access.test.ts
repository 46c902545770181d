import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';

const clock = () => new Date('2026-11-25T10:00:00+08:00');
const TOKEN = 'prometheus-scrape-token-0123456789';

describe('GET /metrics without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ clock });
  });
  afterAll(() => t.close());

  it('answers a scrape made on the host itself', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/wenzheng_messages_total|wenzheng_process_resident_memory_bytes/);
  });

  it('refuses another address with 403 and says how to allow a scraper', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect(res.json().error.message).toMatch(/METRICS_TOKEN/);
    expect(res.body).not.toMatch(/wenzheng_/);
  });

  it('refuses a request a local reverse proxy forwarded from outside', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ clock, env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => t.close());

  const scrape = (headers: Record<string, string>, remoteAddress = '198.51.100.7') =>
    t.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers });

  it('answers Prometheus sending the bearer token, from any address', async () => {
    const res = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/wenzheng_process_resident_memory_bytes/);
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['the token in another scheme', { authorization: `Basic ${TOKEN}` }],
  ])('answers %s with 401, even from the host itself', async (_case, headers) => {
    for (const from of ['198.51.100.7', '127.0.0.1']) {
      const res = await scrape(headers, from);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    }
  });
});

describe('METRICS_TOKEN setting', () => {
  it('refuses a token too short to be a secret', async () => {
    await expect(startApp({ clock, env: { METRICS_TOKEN: 'short' } })).rejects.toThrow(/METRICS_TOKEN/);
  });
});

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { buildServer } from '../../src/server.js';
import { tinyModel } from '../helpers/tiny-model.js';

describe('POST /api/v1/parse', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    const config = loadConfig({ DATA_DIR: '/tmp/wz-unused', LOG_LEVEL: 'silent' });
    app = await buildServer({ config, models: new ModelHolder(await tinyModel()) }, { logger: false });
  });
  afterAll(() => app.close());

  it('returns intent, score, alternatives and entities', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/parse', payload: { text: '帮我预约明天上午去浦东办事' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.intent).toBe('appointment');
    expect(body.alternatives.length).toBeGreaterThan(0);
    expect(body.entities.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['date', 'period', 'district']));
  });

  it('limits requests per client with a 429 RATE_LIMITED', async () => {
    const config = loadConfig({ DATA_DIR: '/tmp/wz-unused', LOG_LEVEL: 'silent', RATE_LIMIT_PARSE_PER_MINUTE: '3' });
    const limited = await buildServer({ config, models: new ModelHolder(await tinyModel()) }, { logger: false });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push((await limited.inject({ method: 'POST', url: '/api/v1/parse', payload: { text: '你好' } })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
  });

  it('answers a missing text with 400 BAD_REQUEST', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/parse', payload: { txt: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
  });

  it('answers blank text with 400 TEXT_REQUIRED', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/parse', payload: { text: '   ' } });
    expect(res.json().error.code).toBe('TEXT_REQUIRED');
  });

  it('answers over-long text with 400 TEXT_TOO_LONG', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/parse', payload: { text: '长'.repeat(5001) } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TEXT_TOO_LONG');
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/parse',
      headers: { 'content-type': 'application/json' },
      payload: '{"text":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
  });

  it('answers 503 MODEL_NOT_READY while no model is loaded', async () => {
    const config = loadConfig({ DATA_DIR: '/tmp/wz-unused', LOG_LEVEL: 'silent' });
    const empty = await buildServer({ config, models: new ModelHolder() }, { logger: false });
    const res = await empty.inject({ method: 'POST', url: '/api/v1/parse', payload: { text: '你好' } });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('MODEL_NOT_READY');
    await empty.close();
  });

  it('serves GET / with 200 once ready', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
  });
});

describe('configuration', () => {
  it('names the setting that is wrong', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', LOG_LEVEL: 'info' });
    expect(c.DATA_DIR).toMatch(/data$/);
  });
});

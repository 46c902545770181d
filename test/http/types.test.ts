import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATOR, startApp, type TestApp } from '../helpers/app.js';

const clock = () => new Date('2026-11-25T10:00:00+08:00');

describe('wrong types are refused, not coerced', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ clock });
  });
  afterAll(() => t.close());

  const parse = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/parse', payload });
  const message = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: INTEGRATOR, payload: { userId: 'types-1', ...payload } });

  it.each([
    ['a number', 12345],
    ['an array', ['a']],
    ['a boolean', true],
  ])('answers text given as %s with 400 BAD_REQUEST', async (_kind, text) => {
    for (const res of [await parse({ text }), await message({ text })]) {
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('BAD_REQUEST');
      expect(res.json().error.message).toMatch(/text must be string/);
    }
  });

  it('still reads numbers in a query string', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/messages?userId=types-1&after=3', headers: INTEGRATOR });
    expect(res.statusCode).not.toBe(400);
  });

  it('answers an out-of-range cursor with a 400 that says so', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/messages?userId=types-1&after=99999999999999999999999',
      headers: INTEGRATOR,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
    expect(res.json().error.message).toMatch(/after must be <= 9007199254740991/);
  });
});

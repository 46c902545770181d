/**
 * Who a web-chat citizen is: the identity the server issued to their
 * browser (a signed HttpOnly cookie), never an id a client makes up. An
 * integrator names its users only with the integrator API key.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEGRATOR, startApp, type TestApp } from '../helpers/app.js';
import { staffMember } from '../helpers/staff.js';

const clock = () => new Date('2026-11-25T10:00:00+08:00');

interface Browser {
  cookie: string;
}

describe('the web citizen’s identity', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ clock });
  });
  afterAll(() => t.close());

  /** What a browser does: open the page, keep the cookie it is given. */
  async function openPage(): Promise<Browser> {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    const c = res.cookies.find((k) => k.name === 'wz_citizen');
    if (!c) throw new Error('the page issued no citizen cookie');
    return { cookie: c.value };
  }
  const send = (b: Browser | null, payload: object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { ...headers, ...(b ? { cookie: `wz_citizen=${b.cookie}` } : {}) },
      payload,
    });
  const poll = (b: Browser | null, query = '', headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/messages?after=0${query}`,
      headers: { ...headers, ...(b ? { cookie: `wz_citizen=${b.cookie}` } : {}) },
    });
  /** The id inside a signed cookie value ("<id>.<signature>"). */
  const idOf = (b: Browser) => b.cookie.slice(0, b.cookie.lastIndexOf('.'));

  it('issues an unguessable identity with the page, in an HttpOnly, SameSite=Lax, signed cookie', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    const c = res.cookies.find((k) => k.name === 'wz_citizen');
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(c?.value).toMatch(/^web-[A-Za-z0-9_-]{22}\.[A-Za-z0-9+/_-]+$/);
    const another = await openPage();
    expect(idOf(another)).not.toBe(idOf({ cookie: c?.value ?? '' }));
    // A browser that already has one keeps it.
    const again = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: `wz_citizen=${another.cookie}` } });
    expect(again.cookies.find((k) => k.name === 'wz_citizen')).toBeUndefined();
  });

  it('keeps one conversation per browser across messages', async () => {
    const b = await openPage();
    const first = await send(b, { text: '我想预约办事' });
    expect(first.statusCode).toBe(200);
    const second = await send(b, { text: '社保卡' });
    expect(second.json().conversation.id).toBe(first.json().conversation.id);
    expect(second.json().conversation.slots).toMatchObject({ service: 'social_security_card' });
  });

  it('gives a browser that writes without having opened the page its own identity', async () => {
    const res = await send(null, { text: '你好' });
    expect(res.statusCode).toBe(200);
    expect(res.cookies.find((k) => k.name === 'wz_citizen')?.value).toMatch(/^web-/);
  });

  it('refuses a short or made-up user id from a browser', async () => {
    for (const userId of ['ab1', 'web-0123456789abcdefghijkl']) {
      const res = await send(await openPage(), { userId, text: '你好' });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('API_KEY_REQUIRED');
    }
  });

  it('lets only the citizen’s own browser read what staff sent them', async () => {
    const citizen = await openPage();
    const stranger = await openPage();
    const turn = (await send(citizen, { text: '转人工' })).json();
    const handoff = turn.events.find((e: { type: string }) => e.type === 'handoff.requested')?.id;
    const agent = await staffMember(t, 'identity-agent', 'agent');
    await agent.post(`/api/staff/handoffs/${handoff}/claim`);
    await agent.post(`/api/staff/handoffs/${handoff}/reply`, { text: '请把身份证号发给我核对' });

    // Someone who learnt the citizen's id: by naming it, by a forged cookie, or with no cookie at all.
    const named = await poll(stranger, `&userId=${idOf(citizen)}`);
    expect(named.statusCode).toBe(401);
    expect(named.json().error.code).toBe('API_KEY_REQUIRED');
    for (const forged of [idOf(citizen), `${idOf(citizen)}.forgedsignature`]) {
      const res = await poll({ cookie: forged });
      expect(res.statusCode).toBe(200);
      expect(res.json().messages).toEqual([]);
    }
    expect((await poll(null)).json().messages).toEqual([]);
    expect((await poll(stranger)).json().messages).toEqual([]);
    // A forged cookie cannot write into the conversation either: it starts a new one.
    const intruder = await send({ cookie: idOf(citizen) }, { text: '你好' });
    expect(intruder.json().conversation.id).not.toBe(turn.conversation.id);

    const own = (await poll(citizen)).json();
    expect(own.messages.map((m: { text: string }) => m.text)).toContain('请把身份证号发给我核对');
  });

  it('lets an integrator name its users with the API key, and only with the right key', async () => {
    const named = await send(null, { userId: 'partner-user-1', text: '转人工' }, INTEGRATOR);
    expect(named.statusCode).toBe(200);
    expect((await poll(null, '&userId=partner-user-1', INTEGRATOR)).statusCode).toBe(200);
    const wrong = await send(
      null,
      { userId: 'partner-user-1', text: '你好' },
      { authorization: 'Bearer not-the-key-not-the-key-not-the-key' },
    );
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('API_KEY_REQUIRED');
    expect((await poll(null, '&userId=partner-user-1', { authorization: 'Bearer nope' })).statusCode).toBe(401);
  });
});

describe('without INTEGRATION_API_KEY', () => {
  it('accepts no named users at all, whatever key is sent', async () => {
    const t = await startApp({ clock, env: { INTEGRATION_API_KEY: '' } });
    try {
      for (const headers of [{}, INTEGRATOR]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/messages',
          headers,
          payload: { userId: 'someone-1', text: '你好' },
        });
        expect(res.statusCode).toBe(401);
      }
    } finally {
      await t.close();
    }
  });
});

describe('the cookie secret', () => {
  it('is generated once into DATA_DIR (mode 600), so identities survive a restart', async () => {
    let t = await startApp({ clock });
    const page = await t.app.inject({ method: 'GET', url: '/' });
    const cookie = `wz_citizen=${page.cookies.find((k) => k.name === 'wz_citizen')?.value}`;
    const first = (
      await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: { cookie }, payload: { text: '我想预约办事' } })
    ).json();
    const dbFile = t.dbFile;
    await t.close();
    expect(statSync(path.join(path.dirname(dbFile), 'citizen-cookie.secret')).mode & 0o777).toBe(0o600);
    t = await startApp({ clock, dbFile });
    try {
      const next = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: { cookie }, payload: { text: '社保卡' } });
      expect(next.json().conversation.id).toBe(first.conversation.id);
    } finally {
      await t.close();
    }
  });
});

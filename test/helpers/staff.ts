/** Logging staff in through the real API, and calling it as them. */
import type { FastifyInstance } from 'fastify';
import { addStaffUser } from '../../src/staff/users.js';
import { INTEGRATOR, type TestApp } from './app.js';

interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json: () => any;
}

export interface StaffClient {
  id: string;
  cookie: string;
  csrf: string;
  get(url: string): Promise<Answer>;
  post(url: string, body?: object): Promise<Answer>;
}

export async function login(app: FastifyInstance, name: string, password: string): Promise<StaffClient> {
  const res = await app.inject({ method: 'POST', url: '/api/staff/login', payload: { name, password } });
  if (res.statusCode !== 200) throw new Error(`login ${name}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'wz_session');
  if (!cookie) throw new Error('no session cookie');
  const { user, csrfToken } = res.json();
  const headers = { cookie: `wz_session=${cookie.value}`, 'x-csrf-token': csrfToken };
  return {
    id: user.id,
    cookie: cookie.value,
    csrf: csrfToken,
    get: (url) => app.inject({ method: 'GET', url, headers }),
    post: (url, body) => app.inject({ method: 'POST', url, headers, ...(body ? { payload: body } : {}) }),
  };
}

export async function staffMember(t: TestApp, name: string, role: 'agent' | 'maintainer' | 'admin'): Promise<StaffClient> {
  const password = `${name}-password-1`;
  await addStaffUser(t.staff, { name, role, password });
  return login(t.app, name, password);
}

export async function say(t: TestApp, userId: string, text: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: INTEGRATOR, payload: { userId, text } });
  if (res.statusCode !== 200) throw new Error(`${text}: ${res.statusCode} ${res.body}`);
  return res.json() as { replies: Array<{ text: string }>; conversation: { state: string }; events: Array<{ type: string; id: string }> };
}

/** A citizen files a complaint through the web chat's form (text, place, phone, 是的); returns its ticket number. */
export async function fileComplaint(t: TestApp, userId: string, text: string): Promise<string> {
  for (const line of [text, '浦东新区张江路88弄', '13912345678']) await say(t, userId, line);
  const done = await say(t, userId, '是的');
  const reference = done.events.find((e) => e.type === 'ticket.created')?.id;
  if (!reference) throw new Error(`no ticket for "${text}": ${JSON.stringify(done.replies)}`);
  return reference;
}

export async function poll(t: TestApp, userId: string, after = 0) {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/messages?userId=${userId}&after=${after}`, headers: INTEGRATOR });
  return res.json() as { messages: Array<{ id: number; author: string; text: string }>; cursor: number };
}

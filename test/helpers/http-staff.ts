/** The staff API and the web chat over real HTTP (the app listening on an ephemeral port), for end-to-end tests. */
import { INTEGRATOR } from './integrator.js';
export interface HttpStaff {
  get(url: string): Promise<{ status: number; body: any }>;
  post(url: string, body?: object): Promise<{ status: number; body: any }>;
}

export async function httpLogin(base: string, name: string, password: string): Promise<HttpStaff> {
  const res = await fetch(`${base}/api/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (res.status !== 200) throw new Error(`login ${name}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const call = async (method: string, url: string, body?: object) => {
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  };
  return { get: (url) => call('GET', url), post: (url, body) => call('POST', url, body) };
}

export async function webSay(base: string, userId: string, text: string) {
  const res = await fetch(`${base}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...INTEGRATOR },
    body: JSON.stringify({ userId, text }),
  });
  if (res.status !== 200) throw new Error(`${text}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { replies: Array<{ text: string }>; events: Array<{ type: string; id: string }> };
}

export async function webPoll(base: string, userId: string, after = 0) {
  const res = await fetch(`${base}/api/v1/messages?userId=${encodeURIComponent(userId)}&after=${after}`, { headers: INTEGRATOR });
  return (await res.json()) as { messages: Array<{ id: number; author: string; text: string }>; cursor: number };
}

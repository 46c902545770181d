/**
 * Two instances of the product (separate processes, separate ports) on one
 * PostgreSQL database: a citizen's messages, WeChat's retries, the staff
 * console, staff replies and model promotion all behave as on one instance,
 * and killing one instance under load loses nothing it acknowledged.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { sha1Sorted } from '../../src/channels/wechat-oa/signature.js';
import { parseWechatXml } from '../../src/channels/wechat-oa/xml.js';
import { addStaffUser } from '../../src/staff/users.js';
import { openPostgresStorage, type PgStorage } from '../../src/storage/postgres/pg-storage.js';
import { eventStream } from '../helpers/event-stream.js';
import { FakeWechat } from '../helpers/fake-wechat.js';
import { type Instance, sharedModels, staffLogin, startInstance } from '../helpers/fleet.js';
import { INTEGRATOR } from '../helpers/integrator.js';
import { describePostgres, freshDatabase, type TestDatabase } from '../helpers/postgres.js';

const TOKEN = 'wenzhengtoken';
const APPID = 'wx0123456789abcdef';
const SECOND_MODEL = 'fleet-promoted';
const STAFF = { name: 'fleet-lead', password: 'fleet-lead-password-1' };
const COMPLAINT = ['我要投诉', '楼下饭店油烟太大了，每天晚上熏得窗户都打不开', '浦东新区张江路88弄', '13912345678'];

async function say(instance: Instance, userId: string, text: string) {
  const res = await fetch(`${instance.url}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...INTEGRATOR },
    body: JSON.stringify({ userId, text }),
  });
  if (res.status !== 200) throw new Error(`${instance.name} ${text}: ${res.status} ${await res.text()}`);
  return (await res.json()) as {
    replies: Array<{ text: string }>;
    conversation: { state: string; slots: Record<string, string> };
    events: Array<{ type: string; id: string }>;
  };
}

function signedQuery(): URLSearchParams {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  return new URLSearchParams({ signature: sha1Sorted([TOKEN, timestamp, nonce]), timestamp, nonce, openid: 'o-fleet' });
}

function textXml(from: string, content: string, msgId: string): string {
  return `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

async function wechat(instance: Instance, xml: string): Promise<string> {
  const res = await fetch(`${instance.url}/wechat?${signedQuery()}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: xml,
  });
  if (res.status !== 200) throw new Error(`${instance.name} wechat: ${res.status}`);
  return res.text();
}

const replyText = (body: string) => (body === 'success' ? body : String(parseWechatXml(body).Content));

describePostgres('two instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let fake: FakeWechat;
  let storage: PgStorage;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    database = await freshDatabase();
    fake = await new FakeWechat().start();
    const models = sharedModels(inject('shippedModelDir'), SECOND_MODEL);
    const env = {
      DATABASE_URL: database.url,
      MODELS_DIR: models.dir,
      MODEL_WATCH_SECONDS: '1',
      OFFICE_HOURS: 'always',
      WECHAT_TOKEN: TOKEN,
      WECHAT_APPID: APPID,
      WECHAT_SECRET: 'test-secret',
      WECHAT_ALLOW_PLAINTEXT: 'true',
      WECHAT_API_BASE: fake.base,
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_IP_PER_MINUTE: '100000',
      // The promotion test parses on B as fast as it can; on a quiet machine that passed the default 600 a minute.
      RATE_LIMIT_PARSE_PER_MINUTE: '100000',
    };
    // Both start at once on an empty database: one migrates, the other waits for it.
    [a, b] = await Promise.all([startInstance('A', env), startInstance('B', env)]);
    storage = await openPostgresStorage(database.url);
    await addStaffUser(storage.staff, { ...STAFF, role: 'maintainer' });
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await storage?.close();
    await fake?.stop();
    await database?.drop();
  }, 60_000);

  it('completes an appointment form sent message by message, alternating between the instances, in order', async () => {
    const texts = ['我想预约办事', '社保卡', '徐汇', '下周一', '下午', '确认'];
    const replies: string[] = [];
    let last: Awaited<ReturnType<typeof say>> | undefined;
    for (const [i, text] of texts.entries()) {
      last = await say(i % 2 === 0 ? a : b, 'fleet-form-1', text);
      replies.push(last.replies.map((r) => r.text).join(' '));
    }
    expect(replies[1]).toMatch(/哪个区/);
    expect(replies[2]).toMatch(/哪一天/);
    expect(replies[3]).toMatch(/上午还是下午/);
    expect(replies[4]).toMatch(/请确认.*社保卡.*徐汇区.*下午/);
    expect(replies[5]).toMatch(/预约成功/);
    expect(last?.events.map((e) => e.type)).toContain('appointment.created');
    const mine = (await storage.conversations.appointments()).filter((x) => x.userId === 'fleet-form-1');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ service: 'social_security_card', district: '徐汇区', period: 'pm', status: 'booked' });
    // Each instance reports how long its turns waited for the citizen's lock, beside the pool figures.
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(Number(/^wenzheng_citizen_lock_wait_seconds_count (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
    expect(metrics).toMatch(/^wenzheng_db_pool_clients \d+/m);
  });

  it('runs one citizen’s concurrent messages on both instances one at a time, so no answer overwrites another', async () => {
    // A district and a date sent at the same moment to different instances,
    // while the form asks for the district. One after the other, the district
    // is kept whichever runs first; side by side, the date turn (which fills
    // nothing yet) would overwrite the district turn's state half the time.
    const citizens = ['fleet-race-1', 'fleet-race-2', 'fleet-race-3', 'fleet-race-4', 'fleet-race-5', 'fleet-race-6'];
    for (const userId of citizens) {
      await say(a, userId, '我想预约办事');
      await say(b, userId, '社保卡');
    }
    await Promise.all(citizens.flatMap((userId) => [say(a, userId, '徐汇'), say(b, userId, '下周一')]));
    for (const userId of citizens) {
      const stored = await storage.conversations.find('web', userId);
      expect(stored?.state.form?.slots, userId).toMatchObject({ service: 'social_security_card', district: '徐汇区' });
    }
  });

  it('answers three concurrent copies of one WeChat delivery, spread over both instances, with one ticket and one reply', async () => {
    const openId = 'o-fleet-retry';
    for (const [i, text] of COMPLAINT.entries()) await wechat(i % 2 ? b : a, textXml(openId, text, `88000000000000${i}`));
    const confirm = textXml(openId, '对', '880000000000099');
    const bodies = await Promise.all([wechat(a, confirm), wechat(b, confirm), wechat(a, confirm)]);
    const texts = bodies.map(replyText);
    expect(texts[0]).toMatch(/工单号 T\d{8}-\d{4}/);
    expect(new Set(texts).size).toBe(1);
    const tickets = (await storage.conversations.tickets()).filter((t) => t.userId === openId);
    expect(tickets).toHaveLength(1);
    expect(texts[0]).toContain(tickets[0]?.reference);
  });

  it('shows a handoff requested through B in a console session on A within a second', async () => {
    const lead = await staffLogin(a.url, STAFF.name, STAFF.password);
    const stream = await eventStream(`${a.url}/api/staff/events`, lead.headers);
    try {
      const asked = await say(b, 'fleet-handoff-1', '转人工');
      const answeredAt = performance.now();
      const handoffId = asked.events.find((e) => e.type === 'handoff.requested')?.id;
      expect(handoffId).toBeTruthy();
      await expect
        .poll(() => stream.events.find((e) => e.event.type === 'handoff.created' && e.event.handoffId === handoffId), {
          timeout: 1000,
          interval: 10,
        })
        .toBeTruthy();
      const seen = stream.events.find((e) => e.event.handoffId === handoffId);
      expect((seen?.at ?? Infinity) - answeredAt).toBeLessThan(1000);

      // A staff reply sent on A reaches the web citizen polling B.
      expect((await lead.post(`/api/staff/handoffs/${handoffId}/claim`)).status).toBe(200);
      expect((await lead.post(`/api/staff/handoffs/${handoffId}/reply`, { text: '您好，我是12345的小王，请讲。' })).status).toBe(200);
      const polled = await fetch(`${b.url}/api/v1/messages?userId=fleet-handoff-1&after=0`, { headers: INTEGRATOR });
      const { messages } = (await polled.json()) as { messages: Array<{ author: string; text: string }> };
      expect(messages.map((m) => m.text)).toContain('您好，我是12345的小王，请讲。');
    } finally {
      await stream.close();
    }
  });

  it('serves a model promoted through A on B within seconds, failing no request during the swap', async () => {
    const lead = await staffLogin(a.url, STAFF.name, STAFF.password);
    let stop = false;
    const statuses: number[] = [];
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        const res = await fetch(`${b.url}/api/v1/parse`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: i % 2 ? '社保卡怎么补办' : '我要投诉' }),
        });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
    })();
    try {
      const promoted = await lead.post(`/api/staff/models/${SECOND_MODEL}/rollback`);
      expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
      const servedByB = async () => ((await (await fetch(`${b.url}/readyz`)).json()) as { model: string }).model;
      await expect.poll(servedByB, { timeout: 10_000, interval: 100 }).toBe(SECOND_MODEL);
      // And some more requests on the new model.
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      stop = true;
      await load;
    }
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('loses nothing acknowledged when one instance is killed with SIGKILL under load, and the other keeps serving', async () => {
    const tickets = new Set<string>();
    const handoffs = new Set<string>();
    const afterKill = { ok: 0, failed: 0 };
    let killed = false;
    let stop = false;
    const citizen = async (n: number) => {
      const target = n % 2 ? b : a;
      const flow = n % 3 === 0 ? ['转人工', '不用了'] : [...COMPLAINT, '对'];
      for (let i = 0; !stop; i++) {
        const text = flow[i % flow.length] as string;
        try {
          const res = await fetch(`${target.url}/api/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...INTEGRATOR },
            body: JSON.stringify({ userId: `fleet-load-${n}`, text }),
          });
          const body = (await res.json()) as { events?: Array<{ type: string; id: string }> };
          if (target === b && killed) res.status === 200 ? afterKill.ok++ : afterKill.failed++;
          if (res.status !== 200) continue;
          for (const e of body.events ?? []) {
            if (e.type === 'ticket.created') tickets.add(e.id);
            if (e.type === 'handoff.requested') handoffs.add(e.id);
          }
        } catch {
          if (target === b) afterKill.failed++;
          if (target === a) return; // A died mid-request: nothing was acknowledged
        }
      }
    };
    const load = Promise.all(Array.from({ length: 40 }, (_, n) => citizen(n)));
    await new Promise((r) => setTimeout(r, 2500));
    a.child.kill('SIGKILL');
    killed = true;
    await new Promise((r) => setTimeout(r, 2500));
    stop = true;
    await load;
    expect(tickets.size).toBeGreaterThan(0);
    expect(handoffs.size).toBeGreaterThan(0);
    expect(afterKill.ok, 'B answered after A was killed').toBeGreaterThan(0);
    expect(afterKill.failed, 'B failed no request').toBe(0);
    const storedTickets = new Set((await storage.conversations.tickets()).map((t) => t.reference));
    const storedHandoffs = new Set((await storage.conversations.handoffs()).map((h) => h.id));
    for (const t of tickets) expect(storedTickets.has(t), `ticket ${t}`).toBe(true);
    for (const h of handoffs) expect(storedHandoffs.has(h), `handoff ${h}`).toBe(true);
    console.log(
      `kill -9 of A: ${tickets.size} tickets and ${handoffs.size} handoffs acknowledged, all stored; B answered ${afterKill.ok} after`,
    );
  });
});

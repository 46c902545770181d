/**
 * The Official Account webhook end to end: signed XML over real HTTP to the
 * running app (plaintext, compatible and safe mode), replies checked as XML,
 * the customer-service API played by a fake WeChat server on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decrypt, encrypt } from '../../src/channels/wechat-oa/crypto.js';
import { sha1Sorted } from '../../src/channels/wechat-oa/signature.js';
import { parseWechatXml } from '../../src/channels/wechat-oa/xml.js';
import type { ConversationRecords } from '../../src/storage/storage.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { FakeWechat } from '../helpers/fake-wechat.js';

const vectors: any = JSON.parse(readFileSync(new URL('../../../shared/spec/wechat-vectors.json', import.meta.url), 'utf8'));
const TOKEN = 'wenzhengtoken';
const APPID = 'wx0123456789abcdef';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const OLD_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
const clock = () => new Date('2026-11-25T10:00:00+08:00');

let fake: FakeWechat;
let t: TestApp;
let base = '';
let slowCommits = 0;

function signed(extra: Record<string, string> = {}): URLSearchParams {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  return new URLSearchParams({ signature: sha1Sorted([TOKEN, timestamp, nonce]), timestamp, nonce, openid: 'o-user', ...extra });
}

let msgId = 7_000_000_000_000_000_000n;
function textXml(content: string, from = 'o-citizen-1', id: string = String(msgId++)): string {
  return `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${id}</MsgId></xml>`;
}

async function post(xml: string, query = signed()): Promise<{ status: number; body: string }> {
  const res = await fetch(`${base}/wechat?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
  return { status: res.status, body: await res.text() };
}

async function postSafe(
  xml: string,
  key = KEY,
  appId = APPID,
): Promise<{ status: number; body: string; inner: Record<string, string> | null }> {
  const sealed = encrypt(key, xml, appId);
  const q = signed({ encrypt_type: 'aes' });
  q.set('msg_signature', sha1Sorted([TOKEN, q.get('timestamp') as string, q.get('nonce') as string, sealed]));
  const res = await post(`<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[${sealed}]]></Encrypt></xml>`, q);
  if (res.status !== 200 || res.body === 'success') return { ...res, inner: null };
  const outer = parseWechatXml(res.body);
  expect(sha1Sorted([TOKEN, outer.TimeStamp as string, outer.Nonce as string, outer.Encrypt as string])).toBe(outer.MsgSignature);
  return { ...res, inner: parseWechatXml(decrypt(key, outer.Encrypt as string).message) };
}

beforeAll(async () => {
  fake = await new FakeWechat().start();
  t = await startApp({
    clock,
    env: {
      WECHAT_TOKEN: TOKEN,
      WECHAT_APPID: APPID,
      WECHAT_SECRET: 'test-secret',
      WECHAT_AES_KEY: KEY,
      WECHAT_ALLOW_PLAINTEXT: 'true',
      WECHAT_AES_KEY_PREVIOUS: OLD_KEY,
      WECHAT_API_BASE: fake.base,
      WECHAT_REPLY_DEADLINE_MS: '400',
    },
    // Lets a test make the next commits slow, to play a slow first delivery.
    wrapStore: (store: ConversationRecords) => {
      const commit = store.commitTurn.bind(store);
      store.commitTurn = async (turn) => {
        if (slowCommits > 0) {
          slowCommits--;
          await new Promise((r) => setTimeout(r, 900));
        }
        return commit(turn);
      };
      return store;
    },
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe('URL verification', () => {
  it('answers the official worked example’s echostr when the signature matches', async () => {
    const q = signed({ echostr: '4375120948345356249' });
    const res = await fetch(`${base}/wechat?${q}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('4375120948345356249');
  });

  it('refuses a bad or missing signature with 401, before reading anything', async () => {
    const q = signed({ echostr: 'x' });
    q.set('signature', '0'.repeat(40));
    expect((await fetch(`${base}/wechat?${q}`)).status).toBe(401);
    expect((await fetch(`${base}/wechat?echostr=x`)).status).toBe(401);
    expect((await post(textXml('你好'), new URLSearchParams({ timestamp: '1', nonce: '2' }))).status).toBe(401);
  });

  it('refuses a timestamp outside the replay window', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000) - 3600);
    const q = new URLSearchParams({ timestamp, nonce: '1', signature: sha1Sorted([TOKEN, timestamp, '1']), echostr: 'x' });
    const res = await fetch(`${base}/wechat?${q}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('STALE_REQUEST');
  });
});

describe('plaintext mode', () => {
  it('answers a text message with a passive reply, To and From swapped', async () => {
    const res = await post(textXml('租房提取公积金要什么材料'));
    expect(res.status).toBe(200);
    const reply = parseWechatXml(res.body);
    expect(reply).toMatchObject({ ToUserName: 'o-citizen-1', FromUserName: 'gh_account', MsgType: 'text' });
    expect(reply.Content).toContain('租房提取公积金');
  });

  it('turns malformed XML and DTDs into a clean 400', async () => {
    for (const bad of [
      '<xml><Content>oops',
      '<!DOCTYPE x [<!ENTITY a "b">]><xml><Content>&a;</Content></xml>',
      '<xml><MsgId><!D</MsgId></xml>',
    ]) {
      const res = await post(bad);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe('BAD_REQUEST');
    }
  });
});

describe('an account configured for safe mode', () => {
  it('refuses a plaintext message, whose signature does not cover the body', async () => {
    const strict = await startApp({
      clock,
      env: { WECHAT_TOKEN: TOKEN, WECHAT_APPID: APPID, WECHAT_SECRET: 'test-secret', WECHAT_AES_KEY: KEY, WECHAT_API_BASE: fake.base },
    });
    try {
      const res = await strict.app.inject({
        method: 'POST',
        url: `/wechat?${signed()}`,
        headers: { 'content-type': 'text/xml' },
        payload: `<xml><ToUserName>gh_account</ToUserName><FromUserName>o-forged</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>unsubscribe</Event></xml>`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('BAD_REQUEST');
      // A signature that changes length when lower-cased is refused, not a crash.
      const odd = new URLSearchParams({ ...Object.fromEntries(signed()), signature: `İ${'a'.repeat(39)}` });
      expect((await strict.app.inject({ method: 'GET', url: `/wechat?${odd}&echostr=x` })).statusCode).toBe(401);
    } finally {
      await strict.close();
    }
  });
});

describe('safe and compatible mode', () => {
  it('decrypts a safe-mode message and encrypts the reply with a valid msg_signature', async () => {
    const res = await postSafe(textXml('奶茶杯是什么垃圾', 'o-safe-1'));
    expect(res.status).toBe(200);
    expect(res.inner?.Content).toContain('干垃圾');
    expect(res.inner?.ToUserName).toBe('o-safe-1');
  });

  it('reads compatible mode (plaintext fields beside Encrypt) through the encrypted copy', async () => {
    const xml = textXml('你好', 'o-compat-1');
    const sealed = encrypt(KEY, xml, APPID);
    const q = signed({ encrypt_type: 'aes' });
    q.set('msg_signature', sha1Sorted([TOKEN, q.get('timestamp') as string, q.get('nonce') as string, sealed]));
    const res = await post(xml.replace('</xml>', `<Encrypt><![CDATA[${sealed}]]></Encrypt></xml>`), q);
    expect(res.status).toBe(200);
    expect(parseWechatXml(res.body).Encrypt).toBeDefined();
  });

  it('accepts the previous EncodingAESKey during rotation and answers with it', async () => {
    const res = await postSafe(textXml('你好', 'o-rotate-1'), OLD_KEY);
    expect(res.status).toBe(200);
    expect(res.inner?.Content).toContain('您好');
  });

  it('refuses a message sealed for another AppID', async () => {
    expect((await postSafe(textXml('你好'), KEY, 'wxsomeoneelse')).status).toBe(400);
  });

  it('refuses a wrong msg_signature with 401', async () => {
    const sealed = encrypt(KEY, textXml('你好'), APPID);
    const q = signed({ encrypt_type: 'aes', msg_signature: 'f'.repeat(40) });
    expect((await post(`<xml><Encrypt><![CDATA[${sealed}]]></Encrypt></xml>`, q)).status).toBe(401);
  });
});

describe('every message type and event in the spec', () => {
  const expectations: Record<string, (body: string) => void> = {
    'msg-text': (b) => expect(parseWechatXml(b).MsgType).toBe('text'),
    'msg-image': (b) => expect(parseWechatXml(b).Content).toContain('只能看懂文字和语音'),
    'msg-voice': (b) => expect(parseWechatXml(b).Content).toContain('没有识别出文字'),
    'msg-voice-recognition': (b) => expect(parseWechatXml(b).MsgType).toBe('text'),
    'msg-video': (b) => expect(parseWechatXml(b).Content).toContain('只能看懂文字和语音'),
    'msg-location': (b) => expect(parseWechatXml(b).Content).toContain('只能看懂文字和语音'),
    'msg-link': (b) => expect(parseWechatXml(b).Content).toContain('只能看懂文字和语音'),
    'evt-subscribe': (b) => expect(parseWechatXml(b).Content).toContain('感谢关注'),
    'evt-subscribe-qrscene': (b) => expect(parseWechatXml(b).Content).toContain('感谢关注'),
    'evt-subscribe-eventkey-other': (b) => expect(parseWechatXml(b).Content).toContain('感谢关注'),
    'evt-unsubscribe': (b) => expect(b).toBe('success'),
    'evt-scan': (b) => expect(parseWechatXml(b).Content).toContain('问政'),
    'evt-location': (b) => expect(b).toBe('success'),
    'evt-click': (b) => expect(b).toBe('success'),
    'evt-view': (b) => expect(b).toBe('success'),
    'msg-unknown-type': (b) => expect(parseWechatXml(b).Content).toContain('只能看懂文字和语音'),
  };
  for (const sample of vectors.message_samples.filter((m: { id: string }) => expectations[m.id])) {
    it(`${sample.id} (${sample.msg_type}) gets a sensible answer`, async () => {
      const res = await post(sample.xml);
      expect(res.status).toBe(200);
      expectations[sample.id]?.(res.body);
    });
  }

  it('runs the intent mapped to a menu CLICK key', async () => {
    const xml = `<xml><ToUserName>gh_account</ToUserName><FromUserName>o-menu-1</FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType>event</MsgType><Event>CLICK</Event><EventKey>MENU_APPOINTMENT</EventKey></xml>`;
    expect(parseWechatXml((await post(xml)).body).Content).toContain('哪项业务');
  });

  it('treats voice with Recognition as text', async () => {
    const xml = `<xml><ToUserName>gh_account</ToUserName><FromUserName>o-voice-1</FromUserName><CreateTime>1</CreateTime><MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[奶茶杯是什么垃圾]]></Recognition><MsgId>${msgId++}</MsgId></xml>`;
    expect(parseWechatXml((await post(xml)).body).Content).toContain('干垃圾');
  });

  it('deletes the citizen’s conversation on unsubscribe and anonymises their records', async () => {
    const openId = 'o-leaving-1';
    await post(textXml('我要投诉小区门口天天有人乱停车把消防通道堵了', openId));
    await post(textXml('浦东新区锦绣路100弄', openId));
    await post(textXml('13912345678', openId));
    await post(textXml('是的', openId));
    expect(await t.store.find('wechat-oa', openId)).not.toBeNull();
    const xml = `<xml><ToUserName>gh_account</ToUserName><FromUserName>${openId}</FromUserName><CreateTime>2</CreateTime><MsgType>event</MsgType><Event>unsubscribe</Event></xml>`;
    expect((await post(xml)).body).toBe('success');
    expect(await t.store.find('wechat-oa', openId)).toBeNull();
    const tickets = await t.store.tickets();
    expect(tickets.some((x) => x.userId === openId)).toBe(false);
    expect(tickets.some((x) => x.userId === '(forgotten)' && x.phone === null)).toBe(true);
  });
});

describe('retries and the 5-second rule', () => {
  it('never stores a second ticket for concurrent duplicates of one delivery', async () => {
    const openId = 'o-dup-1';
    await post(textXml('我要投诉工地夜里施工噪音太大了', openId));
    await post(textXml('闵行区七莘路1000号', openId));
    await post(textXml('13912345678', openId));
    const before = (await t.store.tickets()).length;
    const confirm = textXml('是的', openId, '9100000000000000001');
    const replies = await Promise.all([post(confirm), post(confirm), post(confirm)]);
    const contents = replies.map((r) => parseWechatXml(r.body).Content);
    expect(new Set(contents).size, JSON.stringify(contents)).toBe(1);
    expect(contents[0]).toContain('工单号');
    expect((await t.store.tickets()).length).toBe(before + 1);
    // and a retry after the fact gets the same reply, still one ticket
    expect(parseWechatXml((await post(confirm)).body).Content).toBe(contents[0]);
    expect((await t.store.tickets()).length).toBe(before + 1);
  });

  it('answers "success" past the deadline, delivers through the customer-service API, and a retry during the slow first delivery runs nothing twice', async () => {
    const openId = 'o-slow-1';
    const sentBefore = fake.sent().length;
    slowCommits = 1;
    const xml = textXml('租房提取公积金要什么材料', openId, '9200000000000000001');
    const first = post(xml);
    await new Promise((r) => setTimeout(r, 100));
    const retry = post(xml);
    const [a, b] = await Promise.all([first, retry]);
    expect(a.body).toBe('success');
    expect(b.body).toBe('success');
    await expect.poll(() => fake.sent().length, { timeout: 5000 }).toBe(sentBefore + 1);
    const sent = fake.sent().at(-1);
    expect(sent?.body).toMatchObject({ touser: openId, msgtype: 'text' });
    expect(JSON.stringify(sent?.body)).toContain('租房提取公积金');
    // a third delivery after the answer went out is not answered twice
    expect((await post(xml)).body).toBe('success');
    expect(fake.sent().length).toBe(sentBefore + 1);
    // both HTTP answers (first delivery and the retry waiting on it) missed the deadline
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/wenzheng_webhook_deadline_misses_total\{channel="wechat-oa"\} 2/);
  });

  it('finishes sending a late reply before the server closes', async () => {
    const sentBefore = fake.sent().length;
    slowCommits = 1;
    expect((await post(textXml('奶茶杯是什么垃圾', 'o-closing-1', '9300000000000000001'))).body).toBe('success');
    await t.app.close();
    expect(fake.sent().length).toBe(sentBefore + 1);
  });
});

describe('a late answer and a restart', () => {
  it('does not send the answer again when WeChat retries after the server restarted', async () => {
    const env = {
      WECHAT_TOKEN: TOKEN,
      WECHAT_APPID: APPID,
      WECHAT_SECRET: 'test-secret',
      WECHAT_ALLOW_PLAINTEXT: 'true',
      WECHAT_API_BASE: fake.base,
      WECHAT_REPLY_DEADLINE_MS: '300',
    };
    let slow = true;
    const first = await startApp({
      clock,
      env,
      wrapStore: (store: ConversationRecords) => {
        const commit = store.commitTurn.bind(store);
        store.commitTurn = async (turn) => {
          if (slow) await new Promise((r) => setTimeout(r, 700));
          return commit(turn);
        };
        return store;
      },
    });
    base = await first.app.listen({ host: '127.0.0.1', port: 0 });
    const sentBefore = fake.sent().length;
    const xml = textXml('公积金贷款额度怎么算', 'o-restart-1', '9400000000000000001');
    expect((await post(xml)).body).toBe('success');
    await expect.poll(() => fake.sent().length, { timeout: 5000 }).toBe(sentBefore + 1);
    slow = false;
    await first.app.close();
    // The same database, a new process: WeChat's retry of that message arrives.
    const second = await startApp({ clock, env, dbFile: first.dbFile });
    try {
      base = await second.app.listen({ host: '127.0.0.1', port: 0 });
      expect((await post(xml)).body).toBe('success');
      expect(fake.sent().length).toBe(sentBefore + 1);
      // A new message is answered as usual.
      expect((await post(textXml('谢谢', 'o-restart-1'))).body).toContain('<xml>');
    } finally {
      await second.close();
    }
  });
});

/**
 * Property-based fuzzing of the public surface: random and malformed payloads
 * at the JSON API and the Official Account webhook (signed and unsigned,
 * plaintext and safe mode). No case may get a 5xx, crash the app or leave an
 * unhandled rejection. `npm test` runs FUZZ_RUNS (default 1,000) per target;
 * `npm run fuzz` runs 10,000.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encrypt } from '../../src/channels/wechat-oa/crypto.js';
import { sha1Sorted } from '../../src/channels/wechat-oa/signature.js';
import { INTEGRATOR, startApp, type TestApp } from '../helpers/app.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

// A real GC before each heap reading, or "memory stable" means nothing.
v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};
const TOKEN = 'fuzztoken';
const APPID = 'wxfuzz000000000001';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

let t: TestApp;
const rejections: unknown[] = [];
const onRejection = (e: unknown) => rejections.push(e);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  t = await startApp({
    clock: () => new Date(),
    env: {
      RATE_LIMIT_USER_PER_MINUTE: '1000000',
      RATE_LIMIT_IP_PER_MINUTE: '1000000',
      WECHAT_TOKEN: TOKEN,
      WECHAT_APPID: APPID,
      WECHAT_SECRET: 'x',
      WECHAT_AES_KEY: KEY,
      WECHAT_ALLOW_PLAINTEXT: 'true',
      WECHAT_API_BASE: 'http://127.0.0.1:9',
      WECHAT_REPLY_DEADLINE_MS: '4000',
    },
  });
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await t.close();
});

// Text citizens might send, and text nobody should: emoji, control characters, scripts, injections, size.
const nastyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '🙂🙂🙂',
    "'; DROP TABLE tickets; --",
    '<script>alert(1)</script>',
    ']]>',
    '长'.repeat(5000),
    '长'.repeat(5001),
    '下周三上午在浦东预约办居住证',
    '是的',
    '取消',
    '转人工',
  ),
);

const signedQuery = (extra: Record<string, string> = {}, encryptValue?: string) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = '42';
  const q = new URLSearchParams({ signature: sha1Sorted([TOKEN, timestamp, nonce]), timestamp, nonce, ...extra });
  if (encryptValue !== undefined) q.set('msg_signature', sha1Sorted([TOKEN, timestamp, nonce, encryptValue]));
  return q.toString();
};

const wechatXml = fc
  .record({
    from: fc.oneof(fc.constantFrom('o-fuzz-1', 'o-fuzz-2', ''), fc.string({ maxLength: 40 })),
    type: fc.oneof(fc.constantFrom('text', 'voice', 'image', 'event', 'location', 'link', 'video', ''), fc.string({ maxLength: 10 })),
    event: fc.constantFrom('subscribe', 'unsubscribe', 'SCAN', 'CLICK', 'VIEW', 'LOCATION', 'weird'),
    key: fc.oneof(fc.constantFrom('MENU_APPOINTMENT', 'qrscene_1', ''), fc.string({ maxLength: 20 })),
    content: nastyText,
    msgId: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), fc.string({ maxLength: 30 })),
  })
  .map(
    (r) =>
      `<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[${r.from}]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[${r.type}]]></MsgType><Event>${r.event}</Event><EventKey><![CDATA[${r.key}]]></EventKey><Content><![CDATA[${r.content}]]></Content><Recognition><![CDATA[${r.content}]]></Recognition><MsgId>${r.msgId}</MsgId></xml>`,
  );

describe('fuzzing the public surface', () => {
  it(`JSON API: ${RUNS} random bodies, no 5xx`, { timeout: 600_000 }, async () => {
    const body = fc.oneof(
      fc
        .record({
          userId: fc.oneof(
            fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.replace(/[^A-Za-z0-9_.:@-]/g, 'x') || 'x'),
            fc.string(),
          ),
          text: nastyText,
        })
        .map((b) => JSON.stringify(b)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/json', 'text/plain', 'application/xml', ''), async (payload, contentType) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/messages',
          // As an integrator, so that bodies naming a user get past the identity check to the handler.
          headers: contentType ? { 'content-type': contentType, ...INTEGRATOR } : { ...INTEGRATOR },
          payload,
        });
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });

  it(`WeChat webhook: ${RUNS} random deliveries (plaintext, safe mode, malformed), no 5xx`, { timeout: 600_000 }, async () => {
    const heapBefore = heapMb();
    const delivery = fc.oneof(
      wechatXml.map((xml) => ({ query: signedQuery(), body: xml })),
      wechatXml.map((xml) => {
        const sealed = encrypt(KEY, xml, APPID);
        return { query: signedQuery({ encrypt_type: 'aes' }, sealed), body: `<xml><Encrypt><![CDATA[${sealed}]]></Encrypt></xml>` };
      }),
      fc.string({ maxLength: 300 }).map((s) => ({ query: signedQuery(), body: s })),
      fc
        .string({ maxLength: 100 })
        .map((s) => ({ query: signedQuery({ encrypt_type: 'aes' }, s), body: `<xml><Encrypt>${s}</Encrypt></xml>` })),
      fc.record({ q: fc.string({ maxLength: 60 }), b: fc.string({ maxLength: 100 }) }).map(({ q, b }) => ({ query: q, body: b })),
    );
    await fc.assert(
      fc.asyncProperty(delivery, async ({ query, body }) => {
        const res = await t.app.inject({ method: 'POST', url: `/wechat?${query}`, headers: { 'content-type': 'text/xml' }, payload: body });
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    const growthMb = heapMb() - heapBefore;
    console.log(`fuzz: ${RUNS} webhook deliveries, heap growth after GC ${growthMb.toFixed(1)} MB`);
    expect(rejections).toEqual([]);
    // Bounded caches only: a leak of a few KB per delivery would show here.
    expect(growthMb).toBeLessThan(32);
  });
});

/**
 * The Official Account webhook: GET /wechat (URL verification) and
 * POST /wechat (messages and events) in plaintext, compatible and safe mode.
 * It maps WeChat's transport to core messages and back, and nothing more.
 *
 * Order of checks: signature (constant time, before the body is looked at)
 * → timestamp within the replay window → XML → msg_signature and decryption
 * (current key, then the previous one during rotation) → AppID.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Telemetry } from '../../core/telemetry.js';
import type { ConversationService, TurnResult } from '../../dialogue/conversation-service.js';
import { repliesToText } from '../reply-text.js';
import type { WechatApiClient } from './api-client.js';
import { decryptFor, encrypt, randomFrom, WechatCryptoError } from './crypto.js';
import type { MenuAction } from './menu.js';
import { sha1Sorted, verifyMsgSignature, verifySignature } from './signature.js';
import { buildXml, MAX_XML_BYTES, parseWechatXml, WechatXmlError } from './xml.js';

export interface WechatWebhookOptions {
  token: string;
  appId: string;
  aesKey?: string;
  aesKeyPrevious?: string;
  /**
   * With a key set the account is in compatible or safe mode, where WeChat
   * always sends encrypt_type=aes. A plaintext POST is then refused: its
   * signature does not cover the body, so anyone who saw one signed URL
   * could replay it with a forged message. Tests of plaintext mode opt in.
   */
  allowPlaintext?: boolean;
  replayWindowSeconds: number;
  replyDeadlineMs: number;
  conversations: ConversationService;
  api: WechatApiClient;
  menu: Map<string, MenuAction>;
  messages: { welcome: string; unsupported_media: string; voice_unrecognised: string };
  now?: () => number;
  telemetry?: Telemetry;
}

interface Query {
  signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
  encrypt_type?: string;
  msg_signature?: string;
}

const fail = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.status(status).send({ error: { code, message } });

export function wechatWebhook(o: WechatWebhookOptions) {
  const now = () => o.now?.() ?? Date.now();
  // Deliveries whose answer goes out through the customer-service API: a
  // later retry must not get it a second time as a passive reply. This set
  // covers the time before the turn has committed; once the answer is sent
  // it is also recorded with the delivery (markAnsweredLate), which outlives
  // a restart. WeChat stops retrying within ~15 s, so an entry here is
  // forgotten after a minute (the set must not grow with the server's uptime).
  const sentAsync = new Set<string>();
  const rememberSentAsync = (key: string) => {
    sentAsync.add(key);
    setTimeout(() => sentAsync.delete(key), 60_000).unref();
  };

  // Late replies still being sent through the API: shutdown waits for them
  // (up to 10 s) so a citizen's answer is not lost to a restart.
  const pending = new Set<Promise<unknown>>();

  return async function routes(app: FastifyInstance): Promise<void> {
    app.addHook('onClose', async () => {
      if (pending.size === 0) return;
      await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, 10_000).unref())]);
    });
    app.addContentTypeParser(
      ['text/xml', 'application/xml', 'text/plain'],
      { parseAs: 'string', bodyLimit: MAX_XML_BYTES },
      (_req, body, done) => done(null, body),
    );

    const authentic = (request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply): boolean => {
      const q = request.query;
      if (!verifySignature(o.token, q)) {
        request.log.warn({ ip: request.ip, url: request.routeOptions.url }, 'wechat: bad or missing signature');
        fail(reply, 401, 'BAD_SIGNATURE', 'signature verification failed');
        return false;
      }
      const ts = Number(q.timestamp);
      if (!Number.isFinite(ts) || Math.abs(now() / 1000 - ts) > o.replayWindowSeconds) {
        request.log.warn({ ip: request.ip }, 'wechat: timestamp outside the replay window');
        fail(reply, 401, 'STALE_REQUEST', 'timestamp outside the replay window');
        return false;
      }
      return true;
    };

    app.get<{ Querystring: Query }>('/wechat', async (request, reply) => {
      if (!authentic(request, reply)) return reply;
      return reply.type('text/plain').send(request.query.echostr ?? '');
    });

    app.post<{ Querystring: Query; Body: string }>('/wechat', async (request, reply) => {
      if (!authentic(request, reply)) return reply;
      if (typeof request.body !== 'string' || !request.body) return fail(reply, 400, 'BAD_REQUEST', 'expected an XML body');
      let fields: Record<string, string>;
      let key: string | undefined;
      try {
        const outer = parseWechatXml(request.body);
        if (request.query.encrypt_type === 'aes') {
          const sealed = outer.Encrypt;
          if (!sealed || !o.aesKey) return fail(reply, 400, 'BAD_REQUEST', 'encrypted message without Encrypt or without a configured key');
          if (!verifyMsgSignature(o.token, request.query, sealed)) {
            request.log.warn({ ip: request.ip }, 'wechat: bad msg_signature');
            return fail(reply, 401, 'BAD_SIGNATURE', 'msg_signature verification failed');
          }
          const opened = open(sealed);
          key = opened.key;
          fields = parseWechatXml(opened.xml);
        } else {
          if (o.aesKey && !o.allowPlaintext) {
            request.log.warn({ ip: request.ip }, 'wechat: plaintext message refused (safe mode is configured)');
            return fail(reply, 400, 'BAD_REQUEST', 'this account uses encrypted messages; plaintext is refused');
          }
          fields = outer;
        }
      } catch (e) {
        if (e instanceof WechatXmlError || e instanceof WechatCryptoError) return fail(reply, 400, 'BAD_REQUEST', e.message);
        throw e;
      }
      const openId = fields.FromUserName;
      const account = fields.ToUserName;
      if (!openId || !account || !fields.MsgType)
        return fail(reply, 400, 'BAD_REQUEST', 'FromUserName, ToUserName and MsgType are required');
      const send = (text: string) => respond(reply, key, openId, account, text);
      const type = fields.MsgType;

      if (type === 'event') {
        const event = (fields.Event ?? '').toLowerCase();
        const delivery = `wx:${openId}:${fields.CreateTime ?? ''}:${fields.Event ?? ''}:${fields.EventKey ?? ''}`;
        if (event === 'subscribe' || event === 'scan') return send(o.messages.welcome);
        if (event === 'unsubscribe') {
          const forgotten = await o.conversations.forget('wechat-oa', openId);
          request.log.info({ forgotten }, 'wechat: unsubscribe, citizen data deleted');
          return reply.type('text/plain').send('success');
        }
        if (event === 'click') {
          const action = o.menu.get(fields.EventKey ?? '');
          if (!action) return reply.type('text/plain').send('success');
          return converse(request, reply, { text: action.text, intent: action.intent, delivery, openId, send });
        }
        // LOCATION (periodic position reports, not stored), VIEW and others need no answer.
        return reply.type('text/plain').send('success');
      }
      // A normal message is identified by its MsgId (kept a string: it exceeds 2^53).
      const messageDelivery = `wx:msg:${fields.MsgId ?? `${openId}:${fields.CreateTime}`}`;
      if (type === 'text') {
        const text = (fields.Content ?? '').trim();
        if (!text) return send(o.messages.unsupported_media);
        return converse(request, reply, { text, delivery: messageDelivery, openId, send });
      }
      if (type === 'voice') {
        const text = (fields.Recognition ?? '').trim();
        if (!text) return send(o.messages.voice_unrecognised);
        return converse(request, reply, { text, delivery: messageDelivery, openId, send });
      }
      return send(o.messages.unsupported_media);
    });
  };

  function open(sealed: string): { xml: string; key: string } {
    try {
      return { xml: decryptFor(o.aesKey as string, sealed, o.appId), key: o.aesKey as string };
    } catch (e) {
      if (!o.aesKeyPrevious || !(e instanceof WechatCryptoError)) throw e;
      return { xml: decryptFor(o.aesKeyPrevious, sealed, o.appId), key: o.aesKeyPrevious };
    }
  }

  function respond(reply: FastifyReply, key: string | undefined, openId: string, account: string, text: string) {
    const createTime = Math.floor(now() / 1000);
    const xml = buildXml({ ToUserName: openId, FromUserName: account, CreateTime: createTime, MsgType: 'text', Content: text });
    if (!key) return reply.type('application/xml').send(xml);
    const sealed = encrypt(key, xml, o.appId);
    const nonce = randomFrom(8).toString('hex');
    const timestamp = String(createTime);
    const signature = sha1Sorted([o.token, timestamp, nonce, sealed]);
    return reply.type('application/xml').send(buildXml({ Encrypt: sealed, MsgSignature: signature, TimeStamp: createTime, Nonce: nonce }));
  }

  async function converse(
    request: FastifyRequest,
    reply: FastifyReply,
    m: { text: string; intent?: string; delivery: string; openId: string; send: (text: string) => FastifyReply },
  ) {
    if (sentAsync.has(m.delivery)) return reply.type('text/plain').send('success');
    const turn = o.conversations.handle({
      channel: 'wechat-oa',
      userId: m.openId,
      text: m.text,
      deliveryKey: m.delivery,
      intent: m.intent,
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), o.replyDeadlineMs);
    });
    const first = await Promise.race([turn, late]).finally(() => clearTimeout(timer));
    if (first === 'late') {
      // WeChat gives up at 5 s and would retry; say nothing now and deliver
      // the answer through the customer-service API as soon as it is ready.
      rememberSentAsync(m.delivery);
      o.telemetry?.deadlineMiss('wechat-oa');
      const lateSend = turn
        .then(async (r: TurnResult) => {
          if (r.duplicate || r.replies.length === 0) return;
          await o.api.sendText(m.openId, repliesToText(r.replies));
          // Remembered with the delivery, so a retry after a restart gets no second copy either.
          await o.conversations.markAnsweredLate(m.delivery);
        })
        .catch((e: unknown) => request.log.error({ err: e, delivery: m.delivery }, 'wechat: late reply could not be delivered'))
        .finally(() => pending.delete(lateSend));
      pending.add(lateSend);
      request.log.warn(
        { delivery: m.delivery, deadlineMs: o.replyDeadlineMs },
        'wechat: reply deadline missed, answering through the customer-service API',
      );
      return reply.type('text/plain').send('success');
    }
    if (first.replies.length === 0 || first.answeredLate) return reply.type('text/plain').send('success');
    return m.send(repliesToText(first.replies));
  }
}

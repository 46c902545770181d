/** The WeChat protocol core against the verified vectors in ../shared/spec/wechat-vectors.json. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decrypt, decryptFor, encrypt, randomFrom, WechatCryptoError } from '../../src/channels/wechat-oa/crypto.js';
import { sha1Sorted, verifyMsgSignature, verifySignature } from '../../src/channels/wechat-oa/signature.js';
import { buildXml, parseWechatXml } from '../../src/channels/wechat-oa/xml.js';

const vectors: any = JSON.parse(readFileSync(new URL('../../../shared/spec/wechat-vectors.json', import.meta.url), 'utf8'));

describe('signatures (official and SDK vectors)', () => {
  for (const v of vectors.signature_vectors) {
    it(`${v.id} gives ${v.expected}`, () => {
      if (v.kind === 'url_signature') {
        expect(sha1Sorted([v.token, v.timestamp, v.nonce])).toBe(v.expected);
        expect(verifySignature(v.token, { signature: v.expected, timestamp: v.timestamp, nonce: v.nonce })).toBe(true);
      } else if (v.kind === 'sha1_sorted_concat') {
        expect(sha1Sorted(v.parts)).toBe(v.expected);
      } else if (v.kind === 'msg_signature') {
        expect(verifyMsgSignature(v.token, { msg_signature: v.expected, timestamp: v.timestamp, nonce: v.nonce }, v.encrypt)).toBe(true);
      }
    });
  }

  it('rejects a signature that differs in one character, or is missing', () => {
    const v = vectors.signature_vectors[0];
    const wrong = `${v.expected.slice(0, -1)}${v.expected.endsWith('0') ? '1' : '0'}`;
    expect(verifySignature(v.token, { signature: wrong, timestamp: v.timestamp, nonce: v.nonce })).toBe(false);
    expect(verifySignature(v.token, { timestamp: v.timestamp, nonce: v.nonce })).toBe(false);
  });
});

describe('AES with 32-byte PKCS#7 (official and SDK vectors)', () => {
  for (const v of vectors.crypto_vectors) {
    if (v.direction.includes('decrypt') && v.expected_plaintext !== undefined) {
      it(`${v.id}: decrypts to the expected plaintext`, () => {
        const d = decrypt(v.encoding_aes_key, v.encrypt ?? v.expected_encrypt);
        expect(d.message).toBe(v.expected_plaintext);
        expect(d.receiveId).toBe(v.receive_id);
        if (v.msg_signature)
          expect(verifyMsgSignature(v.token, { msg_signature: v.msg_signature, timestamp: v.timestamp, nonce: v.nonce }, v.encrypt)).toBe(
            true,
          );
      });
    }
    if (v.direction.includes('encrypt') && v.fixed_random !== undefined) {
      it(`${v.id}: encrypts to the expected ciphertext`, () => {
        const random = /^[0-9a-f]{32}$/i.test(v.fixed_random) ? Buffer.from(v.fixed_random, 'hex') : Buffer.from(v.fixed_random, 'utf8');
        expect(encrypt(v.encoding_aes_key, v.plaintext, v.receive_id, random)).toBe(v.expected_encrypt);
        if (v.expected_msg_signature)
          expect(sha1Sorted([v.token, v.timestamp, v.nonce, v.expected_encrypt])).toBe(v.expected_msg_signature);
      });
    }
  }

  it('decrypts the official example whose padding (19 bytes) is over 16', () => {
    const v = vectors.crypto_vectors.find((x: { id: string }) => x.id === 'dec-official-push-json');
    expect(decryptFor(v.encoding_aes_key, v.encrypt, v.receive_id)).toContain('"debug_str":"hello world"');
  });

  it('round-trips Chinese text and checks the AppID', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const sealed = encrypt(key, '<xml><Content><![CDATA[我想提取公积金]]></Content></xml>', 'wx1234567890');
    expect(decryptFor(key, sealed, 'wx1234567890')).toContain('我想提取公积金');
    expect(() => decryptFor(key, sealed, 'wxsomeoneelse')).toThrow(WechatCryptoError);
  });

  it('rejects a key that is not 43 characters and a ciphertext that is not whole blocks', () => {
    expect(() => encrypt('short', 'x', 'wx')).toThrow(/43 characters/);
    expect(() => decrypt('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', 'AAAA')).toThrow(WechatCryptoError);
  });
});

describe('XML', () => {
  for (const m of vectors.message_samples) {
    it(`parses ${m.id} into its fields`, () => {
      expect(parseWechatXml(m.xml)).toMatchObject(m.expected_fields);
    });
  }

  it('keeps a MsgId above 2^53 exact', () => {
    expect(parseWechatXml('<xml><MsgId>23456789012345678901</MsgId></xml>').MsgId).toBe('23456789012345678901');
  });

  it('refuses DTDs and entity expansion', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><xml><Content>&lol2;</Content></xml>';
    expect(() => parseWechatXml(laughs)).toThrow(/DTD/);
    expect(() => parseWechatXml('<!DOCTYPE x SYSTEM "file:///etc/passwd"><xml/>')).toThrow(/DTD/);
  });

  it('refuses malformed and oversized documents', () => {
    expect(() => parseWechatXml('<xml><Content>unclosed</xml>')).toThrow(/malformed/);
    // Passes fast-xml-parser's validator, then its parser throws (found by the webhook fuzz test).
    expect(() => parseWechatXml('<xml><Event>subscribe</Event><MsgId><!D</MsgId></xml>')).toThrow(/malformed/);
    expect(() => parseWechatXml(`<xml><Content>${'长'.repeat(30000)}</Content></xml>`)).toThrow(/too large/);
  });

  for (const r of vectors.reply_samples.filter((x: { msg_type: string }) => x.msg_type === 'text')) {
    it(`builds ${r.id} as WxJava expects`, () => {
      const xml = buildXml({
        ToUserName: r.fields.ToUserName,
        FromUserName: r.fields.FromUserName,
        CreateTime: r.fields.CreateTime,
        MsgType: 'text',
        Content: r.fields.Content,
      });
      expect(xml).toBe(r.expected_xml_whitespace_insensitive.replace(/>\s+</g, '><'));
    });
  }

  it('splits "]]>" inside a CDATA section so the reply stays well-formed', () => {
    const xml = buildXml({ Content: 'a]]>b' });
    expect(parseWechatXml(xml).Content).toBe('a]]>b');
  });
});

describe('random bytes for replies', () => {
  it('never hands out the same bytes twice, across refills of the pool', () => {
    const drawn = Array.from({ length: 1000 }, () => randomFrom(16).toString('hex'));
    expect(drawn.every((d) => d.length === 32)).toBe(true);
    expect(new Set(drawn).size).toBe(drawn.length);
  });

  it('gives each reply a different random prefix', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const a = decrypt(key, encrypt(key, '<xml/>', 'wx1'));
    const b = decrypt(key, encrypt(key, '<xml/>', 'wx1'));
    expect(a.random.equals(b.random)).toBe(false);
  });
});

/**
 * WeChat's flat XML is read by a small scanner and everything else by
 * fast-xml-parser; wherever the scanner answers, the answer must be the one
 * fast-xml-parser gives (and a document it would refuse never gets through).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildXml, parseAnyXml, parseFlatXml, parseWechatXml, WechatXmlError } from '../../src/channels/wechat-oa/xml.js';

const space = fc.constantFrom('', ' ', '\n', '\r\n', '\t', '  \n  ');
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(' padded ', '\u3000全角\u3000', 'a > b', 'a&amp;b', 'x]]>y', ']]', '<', '你好', 'a\r\nb', ''),
);
const name = fc.oneof(
  fc.constantFrom('ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId', 'Encrypt', 'Event', 'EventKey'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/),
);
const field = fc.record({
  name,
  value: text,
  cdata: fc.boolean(),
  before: space,
  inside: fc.constantFrom('', ' '),
});
const document = fc
  .record({ lead: space, fields: fc.array(field, { maxLength: 6 }), trail: space })
  .map(
    ({ lead, fields, trail }) =>
      `${lead}<xml>${fields
        .map((f) => `${f.before}<${f.name}>${f.inside}${f.cdata ? `<![CDATA[${f.value}]]>` : f.value}${f.inside}</${f.name}>`)
        .join('')}${trail}</xml>${trail}`,
  );

describe('WeChat XML', () => {
  it('reads flat documents exactly as fast-xml-parser does, and none that it refuses', () => {
    fc.assert(
      fc.property(document, (doc) => {
        const flat = parseFlatXml(doc);
        if (flat === null) return;
        expect(parseAnyXml(doc)).toEqual(flat);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes the fast path for what WeChat sends and what we send back', () => {
    const message =
      '<xml><ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[o-abc]]></FromUserName><CreateTime>1732500000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ 我想办居住证 ]]></Content><MsgId>24512345678901234567</MsgId></xml>';
    expect(parseFlatXml(message)).toEqual({
      ToUserName: 'gh_123',
      FromUserName: 'o-abc',
      CreateTime: '1732500000',
      MsgType: 'text',
      Content: ' 我想办居住证 ',
      MsgId: '24512345678901234567',
    });
    const reply = buildXml({ Encrypt: 'c2VhbGVk', MsgSignature: 'ab12', TimeStamp: 1, Nonce: 'n' });
    expect(parseFlatXml(reply)).toEqual(parseAnyXml(reply));
  });

  it('leaves the rest to the full parser: nesting, attributes, repeated fields, entities', () => {
    for (const doc of [
      '<xml><A><B>x</B></A><C>c</C></xml>',
      '<xml><A b="1">x</A></xml>',
      '<xml><A>1</A><A>2</A></xml>',
      '<xml><A>a&amp;b</A></xml>',
      '<xml><A><![CDATA[a]]><![CDATA[b]]></A></xml>',
      '<?xml version="1.0"?><xml><A>x</A></xml>',
    ])
      expect(parseFlatXml(doc)).toBeNull();
    expect(parseWechatXml('<xml><A>1</A><A>2</A><B>3</B></xml>')).toEqual({ B: '3' });
  });

  it('still refuses DTDs and malformed documents', () => {
    expect(() => parseWechatXml('<!DOCTYPE x [<!ENTITY a "b">]><xml><A>&a;</A></xml>')).toThrow(WechatXmlError);
    expect(() => parseWechatXml('<xml><A>x</B></xml>')).toThrow(WechatXmlError);
    expect(() => parseWechatXml('<xml><A>x</A>')).toThrow(WechatXmlError);
  });
});

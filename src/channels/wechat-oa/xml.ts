/**
 * WeChat XML in and out (fast-xml-parser; this file is its only user).
 * Incoming documents are size-limited and may not carry a DOCTYPE: no DTD,
 * no entity expansion (billion laughs, external entities). Values stay
 * strings — MsgId exceeds 2^53.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const MAX_XML_BYTES = 64 * 1024;

export class WechatXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatXmlError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: false,
});

/** The fields of a <xml> document as strings (nested elements are ignored). */
export function parseWechatXml(body: string): Record<string, string> {
  if (Buffer.byteLength(body, 'utf8') > MAX_XML_BYTES) throw new WechatXmlError('document too large');
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new WechatXmlError('DTDs and entities are not accepted');
  return parseFlatXml(body) ?? parseAnyXml(body);
}

/** Validated and parsed by fast-xml-parser: the general case, and the errors. */
export function parseAnyXml(body: string): Record<string, string> {
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new WechatXmlError(`malformed XML: ${valid.err.msg}`);
  let doc: { xml?: unknown };
  try {
    doc = parser.parse(body) as { xml?: unknown };
  } catch (e) {
    // The validator passes some documents the parser then refuses (<B><!D</B>): malformed all the same.
    throw new WechatXmlError(`malformed XML: ${(e as Error).message}`);
  }
  if (!doc.xml || typeof doc.xml !== 'object') throw new WechatXmlError('root element <xml> missing');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.xml as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
}

// What WeChat sends: <xml> holding distinct <Name>…</Name> fields, each one
// CDATA section or plain text. Anything else (attributes, nesting, comments,
// entities, repeated or unusual names, mixed content) returns null and goes to
// fast-xml-parser. Validating and parsing each message twice over (the
// envelope, then the decrypted message) cost ~8% of the webhook's CPU.
const FIELD_NAME = /^[A-Z][A-Za-z0-9]*$/;
const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\r' || c === '\t';

/**
 * The same fields fast-xml-parser gives (trimValues: text trimmed, CDATA
 * kept as it is) for documents of WeChat's flat shape, or null.
 */
export function parseFlatXml(body: string): Record<string, string> | null {
  let i = 0;
  while (isSpace(body[i])) i++;
  if (!body.startsWith('<xml>', i)) return null;
  i += 5;
  const out: Record<string, string> = {};
  for (;;) {
    while (isSpace(body[i])) i++;
    if (body.startsWith('</xml>', i)) {
      i += 6;
      while (isSpace(body[i])) i++;
      // An empty <xml> is refused by the full parser (no root object).
      return i === body.length && Object.keys(out).length > 0 ? out : null;
    }
    if (body[i] !== '<') return null;
    const open = body.indexOf('>', i);
    if (open < 0) return null;
    const name = body.slice(i + 1, open);
    if (!FIELD_NAME.test(name) || Object.hasOwn(out, name)) return null;
    i = open + 1;
    let value: string;
    if (body.startsWith('<![CDATA[', i)) {
      const end = body.indexOf(']]>', i + 9);
      if (end < 0) return null;
      value = body.slice(i + 9, end);
      // The full parser turns \r\n and \r into \n (XML's line-end rule).
      if (value.includes('\r')) return null;
      i = end + 3;
    } else {
      const end = body.indexOf('<', i);
      if (end < 0) return null;
      value = body.slice(i, end);
      if (value.includes('&') || value.includes(']]>') || value.includes('\r')) return null;
      value = value.trim();
      i = end;
    }
    const close = `</${name}>`;
    if (!body.startsWith(close, i)) return null;
    i += close.length;
    out[name] = value;
  }
}

/** A CDATA section that survives "]]>" inside the text. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export function buildXml(fields: Record<string, string | number | { cdata: string }>): string {
  const inner = Object.entries(fields)
    .map(([k, v]) => `<${k}>${typeof v === 'object' ? cdata(v.cdata) : typeof v === 'number' ? String(v) : cdata(v)}</${k}>`)
    .join('');
  return `<xml>${inner}</xml>`;
}

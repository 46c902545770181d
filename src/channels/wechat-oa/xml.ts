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
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new WechatXmlError(`malformed XML: ${valid.err.msg}`);
  const doc = parser.parse(body) as { xml?: unknown };
  if (!doc.xml || typeof doc.xml !== 'object') throw new WechatXmlError('root element <xml> missing');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.xml as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
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

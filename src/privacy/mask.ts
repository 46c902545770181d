/**
 * Masking personal data in free text (PIPL): what reaches logs — and, later,
 * review data — keeps its shape but not the person. ID numbers keep the
 * region prefix and the last four; phone numbers the prefix and last four;
 * bank cards (16–19 digits passing the Luhn check) the last four; house,
 * building and room numbers in addresses are starred; e-mail local parts too.
 */

const ID = /(?<![0-9a-z])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9x])(?![0-9a-z])/gi;
const MOBILE = /(?<![0-9])(\+?86[- ]?)?(1[3-9][0-9])[- ]?[0-9]{4}[- ]?([0-9]{4})(?![0-9])/g;
const LANDLINE = /(?<![0-9])(0[1-9][0-9]{1,2})[- ]?[2-9][0-9]{2,3}([0-9]{4})(?![0-9])/g;
const CARD = /(?<![0-9])[0-9]{12,15}([0-9]{4})(?![0-9])/g;
const EMAIL = /([a-z0-9._%+-])[a-z0-9._%+-]*@([a-z0-9.-]+\.[a-z]{2,})/gi;
// 123号, 45弄, 6栋, 7幢, 2单元, 1201室 (digits before an address unit)
const ADDRESS_NUMBER = /([0-9]+)(?=\s?(号楼|号|弄|栋|幢|单元|室|楼))/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function maskPersonalData(text: string): string {
  return text
    .replace(ID, (_m, region: string, tail: string) => `${region}********${tail.toUpperCase()}`)
    .replace(CARD, (m: string, last: string) => (luhn(m) ? `${'*'.repeat(m.length - 4)}${last}` : m))
    .replace(MOBILE, (_m, cc: string | undefined, prefix: string, last: string) => `${cc ?? ''}${prefix}****${last}`)
    .replace(LANDLINE, (_m, area: string, last: string) => `${area}-****${last}`)
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(ADDRESS_NUMBER, (m: string) => '*'.repeat(m.length));
}

/** Masks every string inside a log record (objects and arrays walked, depth-limited). */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  // An error's message and stack can quote input; keep the shape pino's err serializer gives.
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: maskPersonalData(value.message),
      stack: maskPersonalData(value.stack ?? ''),
      ...(code ? { code } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  // Class instances (Fastify's request and reply) are left to pino's serializers,
  // which pick safe fields; copying them into plain objects would lose those fields.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}

/**
 * WeChat signatures: SHA-1 over the lexicographically sorted, concatenated
 * parts, lower-case hex. `signature` signs (token, timestamp, nonce);
 * `msg_signature` adds the Encrypt string. Compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function sha1Sorted(parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

export function safeEqualHex(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(given.toLowerCase(), 'latin1'));
}

export function verifySignature(token: string, q: { signature?: string; timestamp?: string; nonce?: string }): boolean {
  if (!q.timestamp || !q.nonce) return false;
  return safeEqualHex(sha1Sorted([token, q.timestamp, q.nonce]), q.signature);
}

export function verifyMsgSignature(
  token: string,
  q: { msg_signature?: string; timestamp?: string; nonce?: string },
  encrypt: string,
): boolean {
  if (!q.timestamp || !q.nonce) return false;
  return safeEqualHex(sha1Sorted([token, q.timestamp, q.nonce, encrypt]), q.msg_signature);
}

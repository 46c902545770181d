/**
 * WeChat message encryption (safe and compatible mode).
 *
 * key = base64(EncodingAESKey + "=") → 32 bytes; AES-256-CBC with IV =
 * key[0..16); plaintext = 16 random bytes ‖ uint32 BE length of msg in UTF-8
 * bytes ‖ msg ‖ AppID, PKCS#7-padded to 32-byte blocks (pad 1..32). Node's
 * own padding is 16-byte, so it is switched off and done here: a pad of 17–32
 * bytes (the official example has 19) breaks 16-byte unpadding.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

const BLOCK = 32;

export class WechatCryptoError extends Error {
  constructor(
    readonly reason: 'bad_key' | 'bad_ciphertext' | 'bad_padding' | 'bad_length' | 'appid_mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'WechatCryptoError';
  }
}

// Decoded keys by EncodingAESKey (one, two during rotation): every message
// is decrypted and its reply encrypted with the same key.
const decoded = new Map<string, Buffer>();

export function decodeAesKey(encodingAesKey: string): Buffer {
  const known = decoded.get(encodingAesKey);
  if (known) return known;
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey))
    throw new WechatCryptoError('bad_key', 'EncodingAESKey must be 43 characters of [A-Za-z0-9]');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WechatCryptoError('bad_key', 'EncodingAESKey does not decode to 32 bytes');
  if (decoded.size < 8) decoded.set(encodingAesKey, key);
  return key;
}

function pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function unpad(data: Buffer): Buffer {
  const n = data.at(-1) ?? 0;
  if (n < 1 || n > BLOCK || n > data.length) throw new WechatCryptoError('bad_padding', 'invalid PKCS#7 padding');
  for (let i = data.length - n; i < data.length; i++)
    if (data[i] !== n) throw new WechatCryptoError('bad_padding', 'invalid PKCS#7 padding');
  return data.subarray(0, data.length - n);
}

export interface Decrypted {
  message: string;
  receiveId: string;
  random: Buffer;
}

export function decrypt(encodingAesKey: string, encrypt: string): Decrypted {
  const key = decodeAesKey(encodingAesKey);
  const cipherBytes = Buffer.from(encrypt, 'base64');
  if (cipherBytes.length === 0 || cipherBytes.length % 16 !== 0)
    throw new WechatCryptoError('bad_ciphertext', 'ciphertext is not whole AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = unpad(Buffer.concat([decipher.update(cipherBytes), decipher.final()]));
  if (plain.length < 20) throw new WechatCryptoError('bad_length', 'plaintext too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new WechatCryptoError('bad_length', 'declared message length exceeds the plaintext');
  return {
    random: plain.subarray(0, 16),
    message: plain.subarray(20, 20 + length).toString('utf8'),
    receiveId: plain.subarray(20 + length).toString('utf8'),
  };
}

/** Decrypts and checks that the trailing id is ours (the AppID). */
export function decryptFor(encodingAesKey: string, encrypt: string, appId: string): string {
  const d = decrypt(encodingAesKey, encrypt);
  if (d.receiveId !== appId) throw new WechatCryptoError('appid_mismatch', 'message is addressed to another AppID');
  return d.message;
}

// Random bytes for every reply (the 16-byte prefix, the nonce), drawn from
// a buffer the CSPRNG refills 4 KB at a time: one randomBytes call costs
// ~5 µs whatever its size, a copy from here a fraction of that.
const pool = Buffer.alloc(4096);
let used = pool.length;

/** n fresh random bytes (n ≤ 4096), never handed out twice. */
export function randomFrom(n: number): Buffer {
  if (used + n > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const out = Buffer.from(pool.subarray(used, used + n));
  used += n;
  return out;
}

export function encrypt(encodingAesKey: string, message: string, receiveId: string, random: Buffer = randomFrom(16)): string {
  const key = decodeAesKey(encodingAesKey);
  const msg = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length, 0);
  const plain = pad(Buffer.concat([random, length, msg, Buffer.from(receiveId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/**
 * The access_token cache, sealed. Whoever holds an Official Account's
 * access_token can send customer-service messages in the government's
 * name for up to two hours, so it is not kept readable in the database or
 * its backups: it is encrypted (AES-256-GCM) under a key derived from the
 * AppSecret, which lives in the configuration, never in the database. A
 * stored value that does not open (written in plain text by an older
 * release, or under a rotated AppSecret) counts as no token: a fresh one is
 * fetched, which is what WeChat expects after a secret change anyway.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { TokenCache } from '../../core/stores.js';

const VERSION = 'v1';

export class SealedTokenCache implements TokenCache {
  private readonly key: Buffer;

  constructor(
    private readonly inner: TokenCache,
    appSecret: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', appSecret, 'wenzheng', 'channel_tokens access_token', 32));
  }

  async get(name: string): Promise<{ token: string; expiresAt: number } | null> {
    const stored = await this.inner.get(name);
    if (!stored) return null;
    const token = this.open(stored.token, name);
    return token === null ? null : { token, expiresAt: stored.expiresAt };
  }

  put(name: string, token: string, expiresAt: number): Promise<void> {
    return this.inner.put(name, this.seal(token, name), expiresAt);
  }

  drop(name: string): Promise<void> {
    return this.inner.drop(name);
  }

  private seal(token: string, name: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    // The cache entry's name is authenticated too: a sealed value moved to another name does not open.
    cipher.setAAD(Buffer.from(name));
    const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), sealed.toString('base64')].join(':');
  }

  private open(value: string, name: string): string | null {
    const [version, iv, tag, sealed] = value.split(':');
    if (version !== VERSION || !iv || !tag || !sealed) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(name));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

/** Which database the configuration selects, and a bad DATABASE_URL refused at start. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { describeUrl } from '../../src/storage/postgres/pg-database.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'wz-storage-config-'));

describe('the storage setting', () => {
  it('opens SQLite in DATA_DIR when DATABASE_URL is unset or empty', async () => {
    for (const env of [{}, { DATABASE_URL: '' }]) {
      const config = loadConfig({ DATA_DIR: dataDir(), ...env });
      const storage = await openStorage(config);
      try {
        expect(storage.describe()).toEqual({ kind: 'sqlite', location: config.databaseFile });
        expect(storage.poolStats).toBeUndefined();
      } finally {
        await storage.close();
      }
    }
  });

  it('refuses a DATABASE_URL that is not a postgres:// URL, naming the setting', () => {
    for (const url of ['mysql://root@localhost/db', 'localhost:5432', 'postgres://']) {
      expect(() => loadConfig({ DATABASE_URL: url }), url).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    }
    expect(() => loadConfig({ DATABASE_POOL_MAX: '0' })).toThrow(/DATABASE_POOL_MAX/);
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/wz' }).DATABASE_POOL_MAX).toBe(10);
  });

  it('fails to start with a clear error when PostgreSQL does not answer', async () => {
    const config = loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://root@127.0.0.1:1/none' });
    await expect(openStorage(config)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('describes a PostgreSQL URL without its password', () => {
    const shown = describeUrl('postgres://wenzheng:s3cret-pass@db.internal:5432/wenzheng?sslmode=require');
    expect(shown).not.toContain('s3cret-pass');
    expect(shown).toBe('postgres://wenzheng:***@db.internal:5432/wenzheng?sslmode=require');
  });
});

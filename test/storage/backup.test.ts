import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { INTEGRATOR, startApp } from '../helpers/app.js';

describe('npm run db:backup', () => {
  it('copies the live database, with what the conversations stored, while the server is open', async () => {
    const t = await startApp({ clock: () => new Date('2026-11-25T10:00:00+08:00') });
    try {
      for (const text of ['下周三上午在浦东预约办居住证', '是的']) {
        await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: INTEGRATOR, payload: { userId: 'backup-1', text } });
      }
      const out = path.join(path.dirname(t.dbFile), 'copy.db');
      const { stdout } = await promisify(execFile)(path.resolve('node_modules/.bin/tsx'), ['scripts/db-backup.ts', '--out', out], {
        env: { ...process.env, DATA_DIR: path.dirname(t.dbFile), LOG_LEVEL: 'silent' },
      });
      expect(stdout).toMatch(/backed up/);
      expect(existsSync(out)).toBe(true);
      // Personal data: the copy and the live file are readable by the service's user only.
      expect(statSync(out).mode & 0o777).toBe(0o600);
      expect(statSync(t.dbFile).mode & 0o777).toBe(0o600);
      const copy = openDatabase(out);
      expect(await new SqliteStore(copy).appointments()).toMatchObject([
        { service: 'residence_permit', district: '浦东新区', date: '2026-12-02' },
      ]);
      copy.close();
    } finally {
      await t.close();
    }
  });
});

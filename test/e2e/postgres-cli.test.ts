/** The maintainer CLIs on PostgreSQL: DATABASE_URL moves them with the server. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initialState } from '../../src/core/conversation.js';
import { openPostgresStorage } from '../../src/storage/postgres/pg-storage.js';
import { cli } from '../helpers/cli.js';
import { describePostgres, freshDatabase, type TestDatabase } from '../helpers/postgres.js';

describePostgres('maintainer CLIs on PostgreSQL', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await freshDatabase();
    env = { DATABASE_URL: database.url, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'wz-pg-cli-')), LOG_LEVEL: 'silent' };
    const storage = await openPostgresStorage(database.url);
    const now = Date.now();
    await storage.conversations.commitTurn({
      conversation: { id: 'conv-cli', channel: 'web', userId: 'cli-citizen', state: initialState(), updatedAt: now },
      actions: [{ type: 'create_ticket', kind: 'suggestion', description: '多设几个公交站', location: null, phone: null }],
      incoming: { direction: 'in', text: '建议多设几个公交站', intent: 'suggestion', score: 0.9, modelVersion: 'v1' },
      now,
      finish: (results) => ({ state: initialState(), outgoing: [], value: results }),
    });
    await storage.close();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('exports a citizen’s data from PostgreSQL', async () => {
    const out = path.join(env.DATA_DIR as string, 'export.json');
    const r = await cli('citizen-data', ['export', '--channel', 'web', '--user', 'cli-citizen', '--out', out], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const data = JSON.parse(readFileSync(out, 'utf8'));
    expect(data.tickets).toMatchObject([{ kind: 'suggestion', description: '多设几个公交站' }]);
  });

  it('runs the retention purge on PostgreSQL', async () => {
    const r = await cli('privacy-purge', [], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/retention 180 days; .*messages 0/);
  });

  it('refuses db:backup, which copies a SQLite file, and points to pg_dump', async () => {
    const r = await cli('db-backup', [], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/BAD_REQUEST.*pg_dump/);
  });
});

import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { checkpointInBackground, openDatabase } from '../../src/storage/sqlite/sqlite.js';

describe('WAL checkpoints on a worker thread', () => {
  it('copies committed pages into the database file while the writer never checkpoints, and hands back on stop', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wz-ckpt-')), 'w.db');
    const db = openDatabase(file);
    const checkpoints = checkpointInBackground(db, 20);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO blobs (body) VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(8000));
    // ~1.6 MB committed to the WAL; the worker's checkpoints bring it into the main file.
    while (statSync(file).size < 1_000_000) await sleep(20);
    await checkpoints.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM blobs').get()).toEqual({ n: 200 });
    db.close();
  });

  it('does nothing for an in-memory database', async () => {
    const db = openDatabase(':memory:');
    await checkpointInBackground(db).stop();
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
    db.close();
  });
});

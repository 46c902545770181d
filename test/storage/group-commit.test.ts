import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/core/conversation.js';
import { DuplicateDeliveryError, type TurnCommit } from '../../src/core/stores.js';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

function turn(userId: string, text: string, opts: { deliveryKey?: string; onFinish?: () => void } = {}): TurnCommit<string> {
  return {
    conversation: { id: `c-${userId}`, channel: 'web', userId, state: initialState(), updatedAt: 1 },
    actions: [],
    incoming: { direction: 'in', text, intent: null, score: null, modelVersion: null },
    now: 1,
    deliveryKey: opts.deliveryKey,
    finish: () => {
      opts.onFinish?.();
      return { state: initialState(), outgoing: [], deliveryReply: opts.deliveryKey ? '[]' : undefined, value: text };
    },
  };
}

describe('group commit of turns', () => {
  it('commits turns that arrive together in one transaction, and settles each only once it is durable', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wz-group-')), 'g.db');
    const db = openDatabase(file);
    const store = new SqliteStore(db);
    const other = new Database(file, { readonly: true });
    const seenByOthers = () => (other.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
    let seenWhileWriting = -1;
    const first = store.commitTurn(turn('a', '一'));
    const second = store.commitTurn(turn('b', '二', { onFinish: () => (seenWhileWriting = seenByOthers()) }));
    // Nothing is written before the event loop has taken every turn of the group.
    expect(seenByOthers()).toBe(0);
    expect(await Promise.all([first, second])).toEqual(['一', '二']);
    // While the second turn was written the first was not yet visible elsewhere: one transaction.
    expect(seenWhileWriting).toBe(0);
    expect(seenByOthers()).toBe(2);
    other.close();
    db.close();
  });

  it('rejects a failing turn alone: the rest of its group is stored', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteStore(db);
    const results = await Promise.allSettled([
      store.commitTurn(turn('a', '第一次', { deliveryKey: 'msg-1' })),
      store.commitTurn(turn('a', '重试', { deliveryKey: 'msg-1' })),
      store.commitTurn(
        turn('b', '出错', {
          onFinish: () => {
            throw new Error('boom');
          },
        }),
      ),
      store.commitTurn(turn('c', '另一位')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateDeliveryError);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ message: 'boom' });
    const texts = (db.prepare('SELECT text FROM messages ORDER BY id').all() as Array<{ text: string }>).map((r) => r.text);
    expect(texts).toEqual(['第一次', '另一位']);
    expect(db.prepare("SELECT COUNT(*) AS n FROM conversations WHERE user_id = 'b'").get()).toEqual({ n: 0 });
    expect(await store.findDelivery('msg-1')).toEqual({ reply: '[]', answeredLate: false });
    db.close();
  });

  it('rejects every turn while another process holds the write lock, and writes the next group once it is free', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wz-group-')), 'g.db');
    const db = openDatabase(file);
    db.pragma('busy_timeout = 0');
    const store = new SqliteStore(db);
    // Another connection holds the write lock: the group's transaction cannot write.
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const failed = await Promise.allSettled([store.commitTurn(turn('a', '一')), store.commitTurn(turn('b', '二'))]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    other.exec('ROLLBACK');
    other.close();
    expect(await store.commitTurn(turn('c', '三'))).toBe('三');
    expect((db.prepare('SELECT text FROM messages').all() as Array<{ text: string }>).map((r) => r.text)).toEqual(['三']);
    db.close();
  });
});

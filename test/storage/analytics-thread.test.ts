import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/core/conversation.js';
import { SqliteAnalyticsStore } from '../../src/storage/sqlite/analytics-store.js';
import { ThreadedAnalytics } from '../../src/storage/sqlite/analytics-thread.js';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

const WINDOW = { fromMs: Date.parse('2026-11-01T00:00:00+08:00'), toMs: Date.parse('2026-12-01T00:00:00+08:00') };
const CRITERIA = { lowConfidence: 0.6, conversational: ['greeting'], unansweredLimit: 50 };

describe('analytics on their own thread', () => {
  it('reads the same facts as the serving connection', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wz-analytics-')), 'a.db');
    const db = openDatabase(file);
    const store = new SqliteStore(db);
    const at = Date.parse('2026-11-20T10:00:00+08:00');
    const said = [
      ['u1', '公积金怎么提取', 'housing_fund', 0.95, 'answer'],
      ['u2', '附近有没有火锅店', 'None', 0.2, 'fallback'],
      ['u2', '居住证续签', 'residence_permit', 0.4, 'answer'],
    ] as const;
    for (const [i, [user, text, intent, score, outcome]] of said.entries()) {
      await store.commitTurn({
        conversation: { id: `c-${user}`, channel: 'web', userId: user, state: initialState(), updatedAt: at },
        actions: [],
        incoming: { direction: 'in', text, intent, score, modelVersion: 'v1', outcome, maskedText: text },
        now: at + i * 60_000,
        finish: () => ({ state: initialState(), outgoing: [], value: null }),
      });
    }
    const threaded = new ThreadedAnalytics(file);
    try {
      const facts = await threaded.facts(WINDOW, CRITERIA);
      expect(facts).toEqual(await new SqliteAnalyticsStore(db).facts(WINDOW, CRITERIA));
      expect(facts.citizens).toBe(2);
      expect(facts.unanswered.map((u) => u.maskedText)).toEqual(['居住证续签', '附近有没有火锅店']);
    } finally {
      await threaded.close();
      db.close();
    }
  });

  it('fails a call with a clear error when the thread cannot read, and tries a new thread next time', async () => {
    const threaded = new ThreadedAnalytics(path.join(tmpdir(), 'no-such-dir', 'missing.db'));
    try {
      await expect(threaded.facts(WINDOW, CRITERIA)).rejects.toMatchObject({ code: 'INTERNAL' });
      await expect(threaded.facts(WINDOW, CRITERIA)).rejects.toMatchObject({ code: 'INTERNAL' });
    } finally {
      await threaded.close();
    }
  });
});

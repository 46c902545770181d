/**
 * PostgreSQL implementation of the review port: the same candidates query
 * as SqliteReviewStore (json_extract becomes ->> on the trace read as
 * json), and a claim that two maintainers on two instances cannot both win.
 */
import type { CandidateQuery, LabelClaim, ReviewCandidate, ReviewStore } from '../../core/review.js';
import { reviewCandidateFromRow } from '../rows.js';
import { type PgDatabase, sql } from './pg-database.js';

// See storage/sqlite/review-store.ts for which messages count and why.
const CANDIDATES = `
  SELECT * FROM (
    SELECT m.id, m.text, m.masked_text, m.intent, m.score, m.model_version, m.outcome, m.trace, m.created_at,
           h.reason AS escalation, r.level AS rating,
           (m.outcome = 'fallback' OR (m.outcome IS NULL AND m.intent = 'None')) AS is_fallback,
           (m.intent <> 'None' AND m.score < $2) AS is_low
    FROM messages m
    LEFT JOIN handoffs h ON h.id = (
      SELECT h2.id FROM handoffs h2
      WHERE h2.conversation_id = m.conversation_id AND h2.created_at >= m.created_at AND h2.created_at <= m.created_at + $3
      ORDER BY h2.created_at LIMIT 1)
    LEFT JOIN ratings r ON r.handoff_id = h.id
    WHERE m.author = 'citizen' AND m.created_at >= $1 AND m.intent IS NOT NULL
      AND (m.masked_text IS NOT NULL OR m.text <> '')
      AND COALESCE(m.outcome, '') NOT IN ('handoff_forwarded', 'rated', 'cancelled')
      AND (m.trace::json ->> 'chosen') IS NULL
      AND NOT ((m.trace::json ->> 'stage') = 'form' AND COALESCE(m.outcome, '') NOT IN ('answer', 'fallback', 'escalation'))
  ) candidates
  WHERE is_fallback OR is_low OR escalation IS NOT NULL
  ORDER BY created_at DESC, id DESC
  LIMIT $4`;

const Q = {
  candidates: sql('rv_candidates', CANDIDATES),
  labelled: sql('rv_labelled', 'SELECT text_key FROM review_labels'),
  insert: sql(
    'rv_insert',
    `INSERT INTO review_labels (text_key, group_key, label, staff_id, by_name, created_at)
     SELECT key, $2, $3, $4, $5, $6 FROM unnest($1::text[]) AS key
     ON CONFLICT (text_key) DO NOTHING`,
  ),
  release: sql('rv_release', 'DELETE FROM review_labels WHERE group_key = $1'),
};

/** Rolls a claim back when a text of the group was labelled meanwhile. */
class Taken extends Error {}

export class PgReviewStore implements ReviewStore {
  constructor(private readonly db: PgDatabase) {}

  async candidates(q: CandidateQuery): Promise<ReviewCandidate[]> {
    const rows = (await this.db.run(Q.candidates, [q.since, q.lowConfidence, q.escalationWindowMs, q.limit])).rows;
    return rows.map(reviewCandidateFromRow);
  }

  async labelledKeys(): Promise<Set<string>> {
    return new Set((await this.db.run<{ text_key: string }>(Q.labelled)).rows.map((r) => r.text_key));
  }

  /**
   * All of the group's keys or none: a key already labelled (here or on
   * another instance, which the primary key makes this INSERT wait for)
   * is skipped by ON CONFLICT, and then the whole claim is rolled back.
   */
  async claim(c: LabelClaim): Promise<boolean> {
    const keys = [...new Set(c.textKeys)];
    try {
      return await this.db.transaction(async (tx) => {
        const inserted = await tx.run(Q.insert, [keys, c.groupKey, c.label, c.staffId, c.by, c.now]);
        if (inserted.rowCount < keys.length) throw new Taken();
        return true;
      });
    } catch (e) {
      if (e instanceof Taken) return false;
      throw e;
    }
  }

  async release(groupKey: string): Promise<void> {
    await this.db.run(Q.release, [groupKey]);
  }
}

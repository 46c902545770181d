/**
 * SQLite implementation of the review port. Candidates come from the
 * message trace (intent, score, outcome, alternatives) joined with the
 * handoff that followed a message and that handoff's rating.
 */
import type { CandidateQuery, LabelClaim, ReviewCandidate, ReviewStore } from '../../core/review.js';
import { type Row, reviewCandidateFromRow } from '../rows.js';
import type { Db } from './sqlite.js';

// Which citizen messages the classifier's decision shaped: not those sent
// to staff during a handoff, ratings, cancellations or menu clicks, and,
// inside a form, only digressions and failures (a slot answer such as
// "浦东" parses as None by design and was understood).
const CANDIDATES = `
  SELECT * FROM (
    SELECT m.id, m.text, m.masked_text, m.intent, m.score, m.model_version, m.outcome, m.trace, m.created_at,
           h.reason AS escalation, r.level AS rating,
           (m.outcome = 'fallback' OR (m.outcome IS NULL AND m.intent = 'None')) AS is_fallback,
           (m.intent <> 'None' AND m.score < @low) AS is_low
    FROM messages m
    LEFT JOIN handoffs h ON h.id = (
      SELECT h2.id FROM handoffs h2
      WHERE h2.conversation_id = m.conversation_id AND h2.created_at >= m.created_at AND h2.created_at <= m.created_at + @window
      ORDER BY h2.created_at LIMIT 1)
    LEFT JOIN ratings r ON r.handoff_id = h.id
    WHERE m.author = 'citizen' AND m.created_at >= @since AND m.intent IS NOT NULL
      AND (m.masked_text IS NOT NULL OR m.text <> '')
      AND COALESCE(m.outcome, '') NOT IN ('handoff_forwarded', 'rated', 'cancelled')
      AND json_extract(m.trace, '$.chosen') IS NULL
      AND NOT (json_extract(m.trace, '$.stage') = 'form' AND COALESCE(m.outcome, '') NOT IN ('answer', 'fallback', 'escalation'))
  )
  WHERE is_fallback OR is_low OR escalation IS NOT NULL
  ORDER BY created_at DESC, id DESC
  LIMIT @limit`;

export class SqliteReviewStore implements ReviewStore {
  private readonly s;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      candidates: p(CANDIDATES),
      labelled: p('SELECT text_key FROM review_labels').pluck(),
      taken: p('SELECT COUNT(*) FROM review_labels WHERE text_key IN (SELECT value FROM json_each(?))').pluck(),
      insert: p(
        `INSERT INTO review_labels (text_key, group_key, label, staff_id, by_name, created_at)
         VALUES (@key, @groupKey, @label, @staffId, @by, @now)`,
      ),
      release: p('DELETE FROM review_labels WHERE group_key = ?'),
    };
  }

  async candidates(q: CandidateQuery): Promise<ReviewCandidate[]> {
    const rows = this.s.candidates.all({ since: q.since, low: q.lowConfidence, window: q.escalationWindowMs, limit: q.limit }) as Row[];
    return rows.map(reviewCandidateFromRow);
  }

  async labelledKeys(): Promise<Set<string>> {
    return new Set(this.s.labelled.all() as string[]);
  }

  async claim(c: LabelClaim): Promise<boolean> {
    return this.db
      .transaction(() => {
        if ((this.s.taken.get(JSON.stringify(c.textKeys)) as number) > 0) return false;
        for (const key of new Set(c.textKeys)) {
          this.s.insert.run({ key, groupKey: c.groupKey, label: c.label, staffId: c.staffId, by: c.by, now: c.now });
        }
        return true;
      })
      .immediate();
  }

  async release(groupKey: string): Promise<void> {
    this.s.release.run(groupKey);
  }
}

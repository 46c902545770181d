/**
 * SQLite implementation of the analytics port: read-only queries over
 * messages, handoffs, ratings, tickets and appointments. Statements are
 * prepared once; one call reads in one transaction, so every figure of a
 * report comes from the same snapshot (WAL: the writer is never blocked).
 */
import type { AnalyticsFacts, AnalyticsQuery, TimeWindow, UnansweredCriteria } from '../../core/analytics.js';
import { analyticsFacts, type Row } from '../rows.js';
import type { Db } from './sqlite.js';

// Days and hours are Shanghai wall-clock. China has kept UTC+8 without
// daylight saving since 1991, so a fixed offset is exact for every stored
// timestamp, and lets SQLite group by day and hour itself.
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const dayOf = (column: string) => `date((${column} + ${SHANGHAI_OFFSET_MS}) / 1000, 'unixepoch')`;
const CITIZEN_IN_WINDOW = "m.author = 'citizen' AND m.created_at >= @fromMs AND m.created_at < @toMs";

export class SqliteAnalyticsStore implements AnalyticsQuery {
  private readonly s;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      // One pass for volume, outcomes and busy hours: the day-and-hour text is computed once per message.
      traffic: p(
        `SELECT substr(at_hour, 1, 10) AS day, CAST(substr(at_hour, 12) AS INTEGER) AS hour, channel, outcome, COUNT(*) AS count
         FROM (SELECT strftime('%Y-%m-%d %H', (m.created_at + ${SHANGHAI_OFFSET_MS}) / 1000, 'unixepoch') AS at_hour,
                      COALESCE(c.channel, 'unknown') AS channel, m.outcome AS outcome
               FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id WHERE ${CITIZEN_IN_WINDOW})
         GROUP BY at_hour, channel, outcome`,
      ),
      intents: p(`SELECT m.intent AS intent, COUNT(*) AS count FROM messages m WHERE ${CITIZEN_IN_WINDOW} GROUP BY 1`),
      citizens: p(`SELECT COUNT(DISTINCT m.conversation_id) AS n FROM messages m WHERE ${CITIZEN_IN_WINDOW}`),
      handoffs: p(
        `SELECT reason, priority, status, created_at, first_response_at, closed_at, closed_by
         FROM handoffs WHERE created_at >= @fromMs AND created_at < @toMs`,
      ),
      ratings: p(
        `SELECT ${dayOf('created_at')} AS day, level, COUNT(*) AS count
         FROM ratings WHERE created_at >= @fromMs AND created_at < @toMs GROUP BY 1, 2`,
      ),
      tickets: p('SELECT kind, COUNT(*) AS count FROM tickets WHERE created_at >= @fromMs AND created_at < @toMs GROUP BY kind'),
      ticketWork: p(
        `SELECT kind, status, department, department_by, predicted_department, dispatch_state, priority, created_at, resolved_at, due_at
         FROM tickets WHERE created_at >= @fromMs AND created_at < @toMs ORDER BY created_at, reference`,
      ),
      appointments: p(
        'SELECT status, COUNT(*) AS count FROM appointments WHERE created_at >= @fromMs AND created_at < @toMs GROUP BY status',
      ),
      // Only the masked text leaves the database: this feeds reports read by people who never log in.
      // Same notion of unsure as the review queue (storage/review-store.ts), so the two agree.
      unanswered: p(
        `SELECT m.masked_text, m.intent, m.score, m.outcome, m.created_at FROM messages m
         WHERE ${CITIZEN_IN_WINDOW} AND m.masked_text IS NOT NULL
           AND (m.outcome = 'fallback' OR (m.outcome IS NULL AND m.intent = 'None')
                OR (m.intent <> 'None' AND m.score < @low AND m.intent NOT IN (SELECT value FROM json_each(@conversational))
                    AND (m.outcome = 'answer'
                         -- a form started on a weak guess; answers inside a form parse poorly by nature and are left out
                         OR (m.outcome IN ('slot_prompt', 'confirm', 'action') AND json_extract(m.trace, '$.stage') = 'idle'))))
         ORDER BY m.created_at DESC, m.id DESC LIMIT @limit`,
      ),
    };
  }

  async facts(w: TimeWindow, o: UnansweredCriteria): Promise<AnalyticsFacts> {
    const at = { fromMs: w.fromMs, toMs: w.toMs };
    return this.db.transaction(() =>
      analyticsFacts(
        {
          traffic: this.s.traffic.all(at) as Row[],
          intents: this.s.intents.all(at) as Row[],
          citizens: (this.s.citizens.get(at) as { n: number }).n,
          handoffs: this.s.handoffs.all(at) as Row[],
          ratings: this.s.ratings.all(at) as Row[],
          tickets: this.s.tickets.all(at) as Row[],
          ticketWork: this.s.ticketWork.all(at) as Row[],
          appointments: this.s.appointments.all(at) as Row[],
          unanswered: this.s.unanswered.all({
            ...at,
            low: o.lowConfidence,
            conversational: JSON.stringify(o.conversational),
            limit: o.unansweredLimit + 1,
          }) as Row[],
        },
        o.unansweredLimit,
      ),
    )();
  }
}

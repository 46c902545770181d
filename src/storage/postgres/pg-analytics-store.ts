/**
 * PostgreSQL implementation of the analytics port: SqliteAnalyticsStore's
 * queries in PostgreSQL's dialect, read in one REPEATABLE READ snapshot so
 * every figure of a report agrees. Days and hours are Shanghai wall-clock
 * by the same fixed +8 offset as SQLite (exact since 1991), computed on
 * the integer milliseconds, so both stores bucket every message alike.
 */
import type { AnalyticsFacts, AnalyticsQuery, TimeWindow, UnansweredCriteria } from '../../core/analytics.js';
import { analyticsFacts, type Row } from '../rows.js';
import { SHANGHAI_OFFSET_MS } from '../sqlite/analytics-store.js';
import { type PgDatabase, sql } from './pg-database.js';

// Whole seconds since the epoch, Shanghai: SQLite's (ms + offset) / 1000 in integer division.
const shanghai = (column: string) => `(timestamp 'epoch' + ((${column} + ${SHANGHAI_OFFSET_MS}) / 1000) * interval '1 second')`;
const dayOf = (column: string) => `to_char(${shanghai(column)}, 'YYYY-MM-DD')`;
const CITIZEN_IN_WINDOW = "m.author = 'citizen' AND m.created_at >= $1 AND m.created_at < $2";

const Q = {
  traffic: sql(
    'an_traffic',
    `SELECT substr(at_hour, 1, 10) AS day, CAST(substr(at_hour, 12) AS INTEGER) AS hour, channel, outcome, COUNT(*) AS count
     FROM (SELECT to_char(${shanghai('m.created_at')}, 'YYYY-MM-DD HH24') AS at_hour,
                  COALESCE(c.channel, 'unknown') AS channel, m.outcome AS outcome
           FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id WHERE ${CITIZEN_IN_WINDOW}) t
     GROUP BY at_hour, channel, outcome
     ORDER BY at_hour, channel, outcome NULLS FIRST`,
  ),
  intents: sql(
    'an_intents',
    `SELECT m.intent AS intent, COUNT(*) AS count FROM messages m WHERE ${CITIZEN_IN_WINDOW} GROUP BY 1 ORDER BY 1 NULLS FIRST`,
  ),
  citizens: sql('an_citizens', `SELECT COUNT(DISTINCT m.conversation_id) AS n FROM messages m WHERE ${CITIZEN_IN_WINDOW}`),
  handoffs: sql(
    'an_handoffs',
    `SELECT reason, priority, status, created_at, first_response_at, closed_at, closed_by
     FROM handoffs WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id`,
  ),
  ratings: sql(
    'an_ratings',
    `SELECT ${dayOf('created_at')} AS day, level, COUNT(*) AS count
     FROM ratings WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2 ORDER BY 1, 2`,
  ),
  tickets: sql('an_tickets', 'SELECT kind, COUNT(*) AS count FROM tickets WHERE created_at >= $1 AND created_at < $2 GROUP BY kind'),
  ticketWork: sql(
    'an_ticket_work',
    `SELECT kind, status, department, department_by, predicted_department, dispatch_state, priority, created_at, resolved_at, due_at
     FROM tickets WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, reference`,
  ),
  appointments: sql(
    'an_appointments',
    'SELECT status, COUNT(*) AS count FROM appointments WHERE created_at >= $1 AND created_at < $2 GROUP BY status',
  ),
  // Only the masked text leaves the database; same notion of unsure as the review queue.
  unanswered: sql(
    'an_unanswered',
    `SELECT m.masked_text, m.intent, m.score, m.outcome, m.created_at FROM messages m
     WHERE ${CITIZEN_IN_WINDOW} AND m.masked_text IS NOT NULL
       AND (m.outcome = 'fallback' OR (m.outcome IS NULL AND m.intent = 'None')
            OR (m.intent <> 'None' AND m.score < $3 AND m.intent <> ALL($4::text[])
                AND (m.outcome = 'answer'
                     OR (m.outcome IN ('slot_prompt', 'confirm', 'action') AND (m.trace::json ->> 'stage') = 'idle'))))
     ORDER BY m.created_at DESC, m.id DESC LIMIT $5`,
  ),
};

export class PgAnalyticsStore implements AnalyticsQuery {
  constructor(private readonly db: PgDatabase) {}

  facts(w: TimeWindow, o: UnansweredCriteria): Promise<AnalyticsFacts> {
    const at = [w.fromMs, w.toMs];
    return this.db.transaction(
      async (tx) => {
        const all = async (q: typeof Q.traffic, values: unknown[] = at) => (await tx.run<Row>(q, values)).rows;
        return analyticsFacts(
          {
            traffic: await all(Q.traffic),
            intents: await all(Q.intents),
            citizens: ((await all(Q.citizens))[0]?.n as number | undefined) ?? 0,
            handoffs: await all(Q.handoffs),
            ratings: await all(Q.ratings),
            tickets: await all(Q.tickets),
            ticketWork: await all(Q.ticketWork),
            appointments: await all(Q.appointments),
            unanswered: await all(Q.unanswered, [...at, o.lowConfidence, [...o.conversational], o.unansweredLimit + 1]),
          },
          o.unansweredLimit,
        );
      },
      { snapshot: true },
    );
  }
}

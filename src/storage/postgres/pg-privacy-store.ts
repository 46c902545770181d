/**
 * PostgreSQL implementation of the privacy port: the same operations as
 * SqlitePrivacyStore, each one transaction (an export is one snapshot, a
 * deletion all or nothing).
 */
import type { Channel } from '../../core/conversation.js';
import { type CitizenDataExport, type ExpiryCounts, expiryCutoffs, type PrivacyStore, type RetentionCounts } from '../../core/privacy.js';
import { maskPersonalData } from '../../privacy/mask.js';
import type { Row } from '../rows.js';
import { type PgDatabase, sql } from './pg-database.js';

const FORGOTTEN = '(forgotten)';
const MINE = 'SELECT id FROM conversations WHERE channel = $1 AND user_id = $2';

const Q = {
  conversations: sql('pv_conversations', 'SELECT * FROM conversations WHERE channel = $1 AND user_id = $2'),
  messages: sql('pv_messages', `SELECT * FROM messages WHERE conversation_id IN (${MINE}) ORDER BY id`),
  appointments: sql('pv_appointments', 'SELECT * FROM appointments WHERE channel = $1 AND user_id = $2 ORDER BY created_at'),
  tickets: sql('pv_tickets', 'SELECT * FROM tickets WHERE channel = $1 AND user_id = $2 ORDER BY created_at'),
  handoffs: sql('pv_handoffs', 'SELECT * FROM handoffs WHERE channel = $1 AND user_id = $2 ORDER BY created_at'),
  ratings: sql('pv_ratings', `SELECT * FROM ratings WHERE conversation_id IN (${MINE}) ORDER BY created_at`),
  deleteDeliveries: sql('pv_del_deliveries', `DELETE FROM deliveries WHERE conversation_id IN (${MINE})`),
  ratingComments: sql('pv_rating_comments', `UPDATE ratings SET comment = NULL WHERE conversation_id IN (${MINE})`),
  userHandoffs: sql('pv_user_handoffs', 'SELECT id, summary FROM handoffs WHERE channel = $1 AND user_id = $2'),
  handoffForget: sql('pv_handoff_forget', `UPDATE handoffs SET user_id = '${FORGOTTEN}', summary = $2 WHERE id = $1`),
  notesOf: sql('pv_notes_of', 'SELECT id, text FROM handoff_notes WHERE handoff_id = $1'),
  setNote: sql('pv_set_note', 'UPDATE handoff_notes SET text = $1 WHERE id = $2'),
  userTickets: sql('pv_user_tickets', 'SELECT reference, description FROM tickets WHERE channel = $1 AND user_id = $2'),
  ticketForget: sql(
    'pv_ticket_forget',
    `UPDATE tickets SET user_id = '${FORGOTTEN}', phone = NULL, location = NULL, description = $2, updated_at = $3 WHERE reference = $1`,
  ),
  appointmentsForget: sql(
    'pv_appointments_forget',
    `UPDATE appointments SET user_id = '${FORGOTTEN}', updated_at = $3 WHERE channel = $1 AND user_id = $2`,
  ),
  deleteMessages: sql('pv_del_messages', `DELETE FROM messages WHERE conversation_id IN (${MINE})`),
  deleteConversations: sql('pv_del_conversations', 'DELETE FROM conversations WHERE channel = $1 AND user_id = $2'),
  purgeMessages: sql(
    'pv_purge_messages',
    "UPDATE messages SET text = '', masked_text = NULL, trace = NULL WHERE created_at < $1 AND (text <> '' OR trace IS NOT NULL)",
  ),
  purgeNotes: sql('pv_purge_notes', "UPDATE handoff_notes SET text = '' WHERE created_at < $1 AND text <> ''"),
  purgeRatingComments: sql('pv_purge_ratings', 'UPDATE ratings SET comment = NULL WHERE created_at < $1 AND comment IS NOT NULL'),
  purgeSummaries: sql(
    'pv_purge_summaries',
    "UPDATE handoffs SET summary = '' WHERE created_at < $1 AND status IN ('closed', 'callback') AND summary <> ''",
  ),
  purgeStates: sql('pv_purge_states', 'UPDATE conversations SET state = $1 WHERE updated_at < $2 AND state <> $1'),
  purgeDeliveries: sql('pv_purge_deliveries', 'DELETE FROM deliveries WHERE created_at < $1'),
  purgeSessions: sql('pv_purge_sessions', 'DELETE FROM staff_sessions WHERE expires_at <= $1'),
  purgeProofCounts: sql('pv_purge_proofs', 'DELETE FROM ticket_proofs WHERE window_start <= $1'),
  purgeLoginFailures: sql('pv_purge_logins', 'DELETE FROM login_failures WHERE paused_until <= $1 AND last_at < $2'),
};

export class PgPrivacyStore implements PrivacyStore {
  constructor(private readonly db: PgDatabase) {}

  exportCitizen(channel: Channel, userId: string, now: number): Promise<CitizenDataExport> {
    const who = [channel, userId];
    return this.db.transaction(
      async (tx) => {
        const all = async (q: typeof Q.messages) => (await tx.run<Row>(q, who)).rows;
        return {
          channel,
          userId,
          exportedAt: new Date(now).toISOString(),
          conversations: (await all(Q.conversations)).map((r) => ({ ...r, state: JSON.parse(r.state as string) })),
          messages: (await all(Q.messages)).map((r) => ({ ...r, trace: r.trace ? JSON.parse(r.trace as string) : null })),
          appointments: await all(Q.appointments),
          tickets: await all(Q.tickets),
          handoffs: await all(Q.handoffs),
          ratings: await all(Q.ratings),
        };
      },
      { snapshot: true },
    );
  }

  forgetCitizen(channel: Channel, userId: string, now: number) {
    const who = [channel, userId];
    return this.db.transaction(async (tx) => {
      await tx.run(Q.deleteDeliveries, who);
      await tx.run(Q.ratingComments, who);
      let anonymised = 0;
      for (const h of (await tx.run<{ id: string; summary: string }>(Q.userHandoffs, who)).rows) {
        for (const n of (await tx.run<{ id: number; text: string }>(Q.notesOf, [h.id])).rows) {
          await tx.run(Q.setNote, [maskPersonalData(n.text), n.id]);
        }
        anonymised += (await tx.run(Q.handoffForget, [h.id, maskPersonalData(h.summary)])).rowCount;
      }
      for (const t of (await tx.run<{ reference: string; description: string }>(Q.userTickets, who)).rows) {
        anonymised += (await tx.run(Q.ticketForget, [t.reference, maskPersonalData(t.description), now])).rowCount;
      }
      anonymised += (await tx.run(Q.appointmentsForget, [...who, now])).rowCount;
      const messages = (await tx.run(Q.deleteMessages, who)).rowCount;
      const conversations = (await tx.run(Q.deleteConversations, who)).rowCount;
      return { conversations, messages, anonymised };
    });
  }

  purge(before: number, idleState: string): Promise<RetentionCounts> {
    return this.db.transaction(async (tx) => ({
      messages: (await tx.run(Q.purgeMessages, [before])).rowCount,
      notes: (await tx.run(Q.purgeNotes, [before])).rowCount,
      ratingComments: (await tx.run(Q.purgeRatingComments, [before])).rowCount,
      handoffSummaries: (await tx.run(Q.purgeSummaries, [before])).rowCount,
      conversations: (await tx.run(Q.purgeStates, [idleState, before])).rowCount,
    }));
  }

  purgeExpired(now: number): Promise<ExpiryCounts> {
    const cut = expiryCutoffs(now);
    return this.db.transaction(async (tx) => ({
      deliveries: (await tx.run(Q.purgeDeliveries, [cut.deliveries])).rowCount,
      sessions: (await tx.run(Q.purgeSessions, [cut.sessions])).rowCount,
      proofCounts: (await tx.run(Q.purgeProofCounts, [cut.proofCounts])).rowCount,
      loginFailures: (await tx.run(Q.purgeLoginFailures, [now, cut.loginFailures])).rowCount,
    }));
  }
}

/**
 * SQLite implementation of the privacy port (all its SQL). Each operation is
 * one transaction, so an export is consistent and a deletion all-or-nothing.
 */
import type { Channel } from '../../core/conversation.js';
import { type CitizenDataExport, type ExpiryCounts, expiryCutoffs, type PrivacyStore, type RetentionCounts } from '../../core/privacy.js';
import { maskPersonalData } from '../../privacy/mask.js';
import type { Db } from './sqlite.js';

const FORGOTTEN = '(forgotten)';

type Row = Record<string, unknown>;

export class SqlitePrivacyStore implements PrivacyStore {
  private readonly s;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    const mine = 'SELECT id FROM conversations WHERE channel = @channel AND user_id = @userId';
    this.s = {
      conversations: p('SELECT * FROM conversations WHERE channel = @channel AND user_id = @userId'),
      messages: p(`SELECT * FROM messages WHERE conversation_id IN (${mine}) ORDER BY id`),
      appointments: p('SELECT * FROM appointments WHERE channel = @channel AND user_id = @userId ORDER BY created_at'),
      tickets: p('SELECT * FROM tickets WHERE channel = @channel AND user_id = @userId ORDER BY created_at'),
      handoffs: p('SELECT * FROM handoffs WHERE channel = @channel AND user_id = @userId ORDER BY created_at'),
      ratings: p(`SELECT * FROM ratings WHERE conversation_id IN (${mine}) ORDER BY created_at`),
      // forgetting
      deleteDeliveries: p(`DELETE FROM deliveries WHERE conversation_id IN (${mine})`),
      ratingComments: p(`UPDATE ratings SET comment = NULL WHERE conversation_id IN (${mine})`),
      userHandoffs: p('SELECT id, summary FROM handoffs WHERE channel = @channel AND user_id = @userId'),
      handoffForget: p(`UPDATE handoffs SET user_id = '${FORGOTTEN}', summary = @summary WHERE id = @id`),
      notesOf: p('SELECT id, text FROM handoff_notes WHERE handoff_id = ?'),
      setNote: p('UPDATE handoff_notes SET text = ? WHERE id = ?'),
      userTickets: p('SELECT reference, description FROM tickets WHERE channel = @channel AND user_id = @userId'),
      ticketForget: p(
        `UPDATE tickets SET user_id = '${FORGOTTEN}', phone = NULL, location = NULL, description = @description, updated_at = @now WHERE reference = @reference`,
      ),
      appointmentsForget: p(
        `UPDATE appointments SET user_id = '${FORGOTTEN}', updated_at = @now WHERE channel = @channel AND user_id = @userId`,
      ),
      deleteMessages: p(`DELETE FROM messages WHERE conversation_id IN (${mine})`),
      deleteConversations: p('DELETE FROM conversations WHERE channel = @channel AND user_id = @userId'),
      // retention
      purgeMessages: p(
        "UPDATE messages SET text = '', masked_text = NULL, trace = NULL WHERE created_at < ? AND (text <> '' OR trace IS NOT NULL)",
      ),
      purgeNotes: p("UPDATE handoff_notes SET text = '' WHERE created_at < ? AND text <> ''"),
      purgeRatingComments: p('UPDATE ratings SET comment = NULL WHERE created_at < ? AND comment IS NOT NULL'),
      purgeSummaries: p("UPDATE handoffs SET summary = '' WHERE created_at < ? AND status IN ('closed', 'callback') AND summary <> ''"),
      purgeStates: p('UPDATE conversations SET state = ? WHERE updated_at < ? AND state <> ?'),
      purgeDeliveries: p('DELETE FROM deliveries WHERE created_at < ?'),
      purgeSessions: p('DELETE FROM staff_sessions WHERE expires_at <= ?'),
      purgeProofCounts: p('DELETE FROM ticket_proofs WHERE window_start <= ?'),
      purgeLoginFailures: p('DELETE FROM login_failures WHERE paused_until <= @now AND last_at < @before'),
    };
  }

  async exportCitizen(channel: Channel, userId: string, now: number): Promise<CitizenDataExport> {
    const who = { channel, userId };
    return this.db.transaction(() => ({
      channel,
      userId,
      exportedAt: new Date(now).toISOString(),
      conversations: (this.s.conversations.all(who) as Row[]).map((r) => ({ ...r, state: JSON.parse(r.state as string) })),
      messages: (this.s.messages.all(who) as Row[]).map((r) => ({ ...r, trace: r.trace ? JSON.parse(r.trace as string) : null })),
      appointments: this.s.appointments.all(who),
      tickets: this.s.tickets.all(who),
      handoffs: this.s.handoffs.all(who),
      ratings: this.s.ratings.all(who),
    }))();
  }

  async forgetCitizen(channel: Channel, userId: string, now: number) {
    const who = { channel, userId };
    return this.db.transaction(() => {
      this.s.deleteDeliveries.run(who);
      this.s.ratingComments.run(who);
      let anonymised = 0;
      for (const h of this.s.userHandoffs.all(who) as Array<{ id: string; summary: string }>) {
        for (const n of this.s.notesOf.all(h.id) as Array<{ id: number; text: string }>) this.s.setNote.run(maskPersonalData(n.text), n.id);
        anonymised += this.s.handoffForget.run({ id: h.id, summary: maskPersonalData(h.summary) }).changes;
      }
      for (const t of this.s.userTickets.all(who) as Array<{ reference: string; description: string }>) {
        anonymised += this.s.ticketForget.run({ reference: t.reference, description: maskPersonalData(t.description), now }).changes;
      }
      anonymised += this.s.appointmentsForget.run({ ...who, now }).changes;
      const messages = this.s.deleteMessages.run(who).changes;
      const conversations = this.s.deleteConversations.run(who).changes;
      return { conversations, messages, anonymised };
    })();
  }

  async purge(before: number, idleState: string): Promise<RetentionCounts> {
    return this.db.transaction(() => ({
      messages: this.s.purgeMessages.run(before).changes,
      notes: this.s.purgeNotes.run(before).changes,
      ratingComments: this.s.purgeRatingComments.run(before).changes,
      handoffSummaries: this.s.purgeSummaries.run(before).changes,
      conversations: this.s.purgeStates.run(idleState, before, idleState).changes,
    }))();
  }

  async purgeExpired(now: number): Promise<ExpiryCounts> {
    const cut = expiryCutoffs(now);
    return this.db.transaction(() => ({
      deliveries: this.s.purgeDeliveries.run(cut.deliveries).changes,
      sessions: this.s.purgeSessions.run(cut.sessions).changes,
      proofCounts: this.s.purgeProofCounts.run(cut.proofCounts).changes,
      loginFailures: this.s.purgeLoginFailures.run({ now, before: cut.loginFailures }).changes,
    }))();
  }
}

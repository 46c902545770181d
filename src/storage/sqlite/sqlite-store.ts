/**
 * SQLite implementation of the conversation and records ports: the only SQL
 * in the application. Statements are prepared once; one turn (its actions,
 * the new state and the message log) is written all or nothing, and the
 * turns that arrive together commit together (see commitTurn).
 */
import { randomUUID } from 'node:crypto';
import type { Action, ActionResult, Channel, Conversation, Priority } from '../../core/conversation.js';
import { SYSTEM_RESOLUTIONS } from '../../core/handoffs.js';
import {
  type AppointmentRecord,
  type ConversationStore,
  DuplicateDeliveryError,
  type HandoffRecord,
  type MessageLog,
  type RatingRecord,
  type RecordsQuery,
  type TicketRecord,
  type TokenCache,
  type TurnCommit,
} from '../../core/stores.js';
import {
  appointmentFromRow,
  conversationFromRow,
  handoffFromRow,
  proofCountFromRow,
  type Row,
  ratingFromRow,
  ticketFromRow,
} from '../rows.js';
import {
  expectedWaitMinutes,
  followUpDescription,
  lookupResult,
  needsFollowUp,
  ownsRecord,
  PRIORITY_ORDER,
  priorityRank,
  verifyResult,
} from '../turn-rules.js';
import { SqlitePrivacyStore } from './privacy-store.js';
import { issueReference, NEXT_SEQUENCE_SQL } from './references.js';
import type { Db } from './sqlite.js';

interface PendingTurn {
  turn: TurnCommit<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  value?: unknown;
  error?: unknown;
}

export class SqliteStore implements ConversationStore, RecordsQuery, TokenCache {
  private readonly s;

  private readonly privacy: SqlitePrivacyStore;

  /**
   * One turn, all or nothing: a savepoint inside the group's transaction.
   * Made once, as better-sqlite3 builds a wrapper per db.transaction() call.
   */
  private readonly writeOne: (turn: TurnCommit<unknown>) => unknown;

  /** The turns waiting for the next group commit, and the one transaction that writes them. */
  private group: PendingTurn[] = [];
  private readonly writeGroup: (group: PendingTurn[]) => void;

  constructor(private readonly db: Db) {
    this.privacy = new SqlitePrivacyStore(db);
    this.writeOne = db.transaction((turn: TurnCommit<unknown>) => this.writeTurn(turn));
    this.writeGroup = db.transaction((group: PendingTurn[]) => {
      for (const p of group) {
        try {
          p.value = this.writeOne(p.turn);
        } catch (e) {
          // Rolled back to its savepoint: the other turns of the group stand,
          // unless SQLite rolled the whole transaction back (disk full, I/O
          // error): then the group fails as one, before anything else runs
          // outside it.
          if (!this.db.inTransaction) throw e;
          p.error = e;
        }
      }
    });
    this.s = {
      findConversation: db.prepare('SELECT * FROM conversations WHERE channel = ? AND user_id = ?'),
      upsertConversation: db.prepare(
        `INSERT INTO conversations (id, channel, user_id, state, updated_at) VALUES (@id, @channel, @userId, @state, @updatedAt)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      ),
      insertMessage: db.prepare(
        `INSERT INTO messages (conversation_id, direction, text, intent, score, model_version, created_at, author, outcome, trace, masked_text)
         VALUES (@conversationId, @direction, @text, @intent, @score, @modelVersion, @now, @author, @outcome, @trace, @maskedText)`,
      ),
      nextSequence: db.prepare(NEXT_SEQUENCE_SQL),
      insertAppointment: db.prepare(
        `INSERT INTO appointments (reference, conversation_id, channel, user_id, service, district, date, period, status, created_at, updated_at)
         VALUES (@reference, @conversationId, @channel, @userId, @service, @district, @date, @period, 'booked', @now, @now)`,
      ),
      findAppointment: db.prepare('SELECT * FROM appointments WHERE reference = ?'),
      cancelAppointment: db.prepare(
        "UPDATE appointments SET status = 'cancelled', updated_at = ? WHERE reference = ? AND status = 'booked'",
      ),
      insertTicket: db.prepare(
        `INSERT INTO tickets (reference, conversation_id, kind, channel, user_id, description, location, phone, priority, status, created_at, updated_at)
         VALUES (@reference, @conversationId, @kind, @channel, @userId, @description, @location, @phone, @priority, 'open', @now, @now)`,
      ),
      findTicket: db.prepare('SELECT * FROM tickets WHERE reference = ?'),
      findProof: db.prepare('SELECT failures, window_start FROM ticket_proofs WHERE reference = ?'),
      saveProof: db.prepare(
        `INSERT INTO ticket_proofs (reference, failures, window_start) VALUES (@reference, @failures, @windowStart)
         ON CONFLICT (reference) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start`,
      ),
      insertHandoff: db.prepare(
        `INSERT INTO handoffs (id, conversation_id, channel, user_id, reason, priority, summary, status, last_activity_at, last_citizen_at, created_at)
         VALUES (@id, @conversationId, @channel, @userId, @reason, @priority, @summary, 'queued', @now, @now, @now)`,
      ),
      queuePosition: db.prepare(
        `SELECT COUNT(*) AS n FROM handoffs WHERE status = 'queued' AND (${PRIORITY_ORDER} < @rank OR (${PRIORITY_ORDER} = @rank AND created_at <= @now))`,
      ),
      allAppointments: db.prepare('SELECT * FROM appointments ORDER BY created_at, reference'),
      allTickets: db.prepare('SELECT * FROM tickets ORDER BY created_at, reference'),
      allHandoffs: db.prepare(`SELECT * FROM handoffs ORDER BY ${PRIORITY_ORDER}, created_at`),
      allRatings: db.prepare('SELECT * FROM ratings ORDER BY created_at'),
      recentClaimWait: db.prepare(
        'SELECT AVG(claimed_at - created_at) AS wait FROM (SELECT claimed_at, created_at FROM handoffs WHERE claimed_at IS NOT NULL ORDER BY claimed_at DESC LIMIT 20)',
      ),
      findHandoff: db.prepare('SELECT * FROM handoffs WHERE id = ?'),
      touchHandoff: db.prepare(
        "UPDATE handoffs SET last_citizen_at = @now, last_activity_at = @now WHERE id = @id AND status IN ('queued', 'claimed')",
      ),
      leaveHandoff: db.prepare(
        "UPDATE handoffs SET status = 'closed', closed_at = @now, resolution = @resolution, last_activity_at = @now WHERE id = @id AND status IN ('queued', 'claimed')",
      ),
      insertRating: db.prepare(
        `INSERT INTO ratings (handoff_id, conversation_id, level, comment, created_at) VALUES (@handoffId, @conversationId, @level, @comment, @now)
         ON CONFLICT (handoff_id) DO NOTHING`,
      ),
      setRatingFollowUp: db.prepare('UPDATE ratings SET follow_up_reference = ? WHERE handoff_id = ?'),
      handoffQueue: db.prepare("SELECT COUNT(*) AS length, MIN(created_at) AS oldest FROM handoffs WHERE status = 'queued'"),
      insertDelivery: db.prepare(
        'INSERT INTO deliveries (key, conversation_id, reply, created_at) VALUES (?, ?, NULL, ?) ON CONFLICT (key) DO NOTHING',
      ),
      setDeliveryReply: db.prepare('UPDATE deliveries SET reply = ? WHERE key = ?'),
      findDelivery: db.prepare('SELECT reply, answered_late FROM deliveries WHERE key = ?'),
      markAnsweredLate: db.prepare('UPDATE deliveries SET answered_late = 1 WHERE key = ?'),
      getToken: db.prepare('SELECT token, expires_at FROM channel_tokens WHERE name = ?'),
      putToken: db.prepare(
        'INSERT INTO channel_tokens (name, token, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at',
      ),
      dropToken: db.prepare('DELETE FROM channel_tokens WHERE name = ?'),
    };
  }

  async find(channel: Channel, userId: string): Promise<Conversation | null> {
    const row = this.s.findConversation.get(channel, userId) as Row | undefined;
    return row ? conversationFromRow(row) : null;
  }

  /**
   * Group commit. Each turn is queued and the queue is written at
   * setImmediate, i.e. once the event loop has run every request that
   * arrived with this one: one transaction, one COMMIT, each turn in its own
   * savepoint. A commit appends every page it touched to the WAL, and the
   * turns of a group touch the same few pages (the tail of messages and its
   * indexes, deliveries, conversations), so a group of n costs about one
   * commit instead of n; under load a group holds several turns, when idle
   * one. Nothing runs SQL between queueing and writing, so no other code
   * ever sees a transaction left open, and each caller's promise settles
   * only after the COMMIT: a reply is never sent for a turn that is not
   * durable. A failing turn rejects alone; a failing COMMIT rejects the
   * whole group, and nothing of it was acknowledged.
   */
  commitTurn<T>(turn: TurnCommit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.group.length === 0) setImmediate(() => this.flush());
      this.group.push({ turn: turn as TurnCommit<unknown>, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  private flush(): void {
    const group = this.group;
    this.group = [];
    try {
      this.writeGroup(group);
    } catch (e) {
      for (const p of group) p.reject(e);
      return;
    }
    for (const p of group) {
      if ('error' in p) p.reject(p.error);
      else p.resolve(p.value);
    }
  }

  private writeTurn<T>(turn: TurnCommit<T>): T {
    const c = turn.conversation;
    if (turn.deliveryKey && this.s.insertDelivery.run(turn.deliveryKey, c.id, turn.now).changes === 0) {
      throw new DuplicateDeliveryError(turn.deliveryKey);
    }
    const results = turn.actions.map((a) => this.perform(a, c, turn.now));
    const done = turn.finish(results);
    // Records carry the conversation id without a foreign key; messages
    // have one, so the conversation row is written before them.
    this.s.upsertConversation.run({
      id: c.id,
      channel: c.channel,
      userId: c.userId,
      state: JSON.stringify(done.state),
      updatedAt: c.updatedAt,
    });
    for (const m of [turn.incoming, ...done.outgoing]) this.insertMessage(c.id, m, turn.now);
    if (turn.deliveryKey && done.deliveryReply !== undefined) this.s.setDeliveryReply.run(done.deliveryReply, turn.deliveryKey);
    return done.value;
  }

  private insertMessage(conversationId: string, m: MessageLog, now: number): void {
    this.s.insertMessage.run({
      conversationId,
      direction: m.direction,
      text: m.text,
      intent: m.intent,
      score: m.score,
      modelVersion: m.modelVersion,
      now,
      author: m.author ?? (m.direction === 'in' ? 'citizen' : 'assistant'),
      outcome: m.outcome ?? null,
      trace: m.trace === undefined ? null : JSON.stringify(m.trace),
      maskedText: m.maskedText ?? null,
    });
  }

  async writable(): Promise<boolean> {
    try {
      // Takes the write lock and gives it back: fails on a read-only or locked database.
      this.db
        .transaction(() => this.db.prepare('INSERT INTO schema_migrations (version, applied_at) SELECT -1, 0 WHERE 0').run())
        .immediate();
      return true;
    } catch {
      return false;
    }
  }

  async findDelivery(key: string): Promise<{ reply: string | null; answeredLate: boolean } | null> {
    const row = this.s.findDelivery.get(key) as { reply: string | null; answered_late: number } | undefined;
    return row ? { reply: row.reply, answeredLate: row.answered_late === 1 } : null;
  }

  async markAnsweredLate(key: string): Promise<void> {
    this.s.markAnsweredLate.run(key);
  }

  async forgetUser(channel: Channel, userId: string): Promise<{ conversations: number; messages: number; anonymised: number }> {
    return this.privacy.forgetCitizen(channel, userId, Date.now());
  }

  async get(name: string): Promise<{ token: string; expiresAt: number } | null> {
    const row = this.s.getToken.get(name) as { token: string; expires_at: number } | undefined;
    return row ? { token: row.token, expiresAt: row.expires_at } : null;
  }

  async put(name: string, token: string, expiresAt: number): Promise<void> {
    this.s.putToken.run(name, token, expiresAt);
  }

  async drop(name: string): Promise<void> {
    this.s.dropToken.run(name);
  }

  private reference(prefix: 'A' | 'T', now: number): string {
    return issueReference(this.s.nextSequence, prefix, now);
  }

  private perform(action: Action, c: Conversation, now: number): ActionResult {
    const who = { conversationId: c.id, channel: c.channel, userId: c.userId, now };
    switch (action.type) {
      case 'create_appointment': {
        const reference = this.reference('A', now);
        this.s.insertAppointment.run({
          ...who,
          reference,
          service: action.service,
          district: action.district,
          date: action.date,
          period: action.period,
        });
        return { type: 'appointment_created', reference };
      }
      case 'cancel_appointment': {
        const row = this.s.findAppointment.get(action.reference) as Record<string, string> | undefined;
        if (!ownsRecord(row, c)) {
          return { type: 'appointment_cancelled', reference: action.reference, found: false, alreadyCancelled: false };
        }
        const changed = this.s.cancelAppointment.run(now, action.reference).changes > 0;
        return { type: 'appointment_cancelled', reference: action.reference, found: true, alreadyCancelled: !changed };
      }
      case 'create_ticket': {
        const reference = this.reference('T', now);
        this.s.insertTicket.run({
          ...who,
          reference,
          kind: action.kind,
          description: action.description,
          location: action.location,
          phone: action.phone,
          priority: action.priority ?? 'normal',
        });
        return { type: 'ticket_created', reference, kind: action.kind };
      }
      case 'lookup_reference': {
        const appointment = action.reference.startsWith('A');
        const row = (appointment ? this.s.findAppointment : this.s.findTicket).get(action.reference) as Row | undefined;
        return lookupResult(action.reference, row, c, appointment ? undefined : this.proofCount(action.reference), now);
      }
      case 'verify_reference': {
        // Read and written with nothing in between: one process writes, and the whole turn runs synchronously in its transaction.
        const ticket = this.s.findTicket.get(action.reference) as Row | undefined;
        const { result, count } = verifyResult(action.reference, ticket, action.phoneTail, this.proofCount(action.reference), now);
        if (count) this.s.saveProof.run({ reference: action.reference, ...count });
        return result;
      }
      case 'request_handoff': {
        const id = randomUUID();
        this.s.insertHandoff.run({ ...who, id, reason: action.reason, priority: action.priority, summary: action.summary });
        const queuePosition = this.queuePosition(action.priority, now);
        return {
          type: 'handoff_requested',
          id,
          reason: action.reason,
          priority: action.priority,
          queuePosition,
          expectedWaitMinutes: this.expectedWait(queuePosition),
        };
      }
      case 'forward_to_staff': {
        this.s.touchHandoff.run({ id: action.handoffId, now });
        const h = this.s.findHandoff.get(action.handoffId) as { status: string; priority: Priority; created_at: number } | undefined;
        const open = h !== undefined && (h.status === 'queued' || h.status === 'claimed');
        const queuePosition = h?.status === 'queued' ? this.queuePosition(h.priority, h.created_at) : 0;
        return {
          type: 'forwarded',
          handoffId: action.handoffId,
          open,
          claimed: h?.status === 'claimed',
          queuePosition,
          expectedWaitMinutes: this.expectedWait(queuePosition),
        };
      }
      case 'leave_handoff':
        this.s.leaveHandoff.run({ id: action.handoffId, now, resolution: SYSTEM_RESOLUTIONS.citizenLeft });
        return { type: 'handoff_left', handoffId: action.handoffId };
      case 'record_rating': {
        const rating = { handoffId: action.handoffId, conversationId: c.id, level: action.level, comment: action.comment, now };
        if (this.s.insertRating.run(rating).changes === 0) {
          return { type: 'rating_recorded', handoffId: action.handoffId, level: action.level, followUpReference: null, duplicate: true };
        }
        let followUpReference: string | null = null;
        if (needsFollowUp(action.level)) {
          followUpReference = this.reference('T', now);
          const h = this.s.findHandoff.get(action.handoffId) as { summary: string } | undefined;
          this.s.insertTicket.run({
            ...who,
            reference: followUpReference,
            kind: 'follow_up',
            description: followUpDescription(action.level, action.comment, h?.summary),
            location: null,
            phone: null,
            priority: 'normal',
          });
          this.s.setRatingFollowUp.run(followUpReference, action.handoffId);
        }
        return { type: 'rating_recorded', handoffId: action.handoffId, level: action.level, followUpReference, duplicate: false };
      }
    }
  }

  private proofCount(reference: string) {
    return proofCountFromRow(this.s.findProof.get(reference) as Row | undefined);
  }

  private queuePosition(priority: Priority, createdAt: number): number {
    return (this.s.queuePosition.get({ rank: priorityRank(priority), now: createdAt }) as { n: number }).n;
  }

  private expectedWait(position: number): number {
    return expectedWaitMinutes((this.s.recentClaimWait.get() as { wait: number | null }).wait, position);
  }

  async appointments(): Promise<AppointmentRecord[]> {
    return (this.s.allAppointments.all() as Array<Record<string, unknown>>).map(appointmentFromRow);
  }

  async tickets(): Promise<TicketRecord[]> {
    return (this.s.allTickets.all() as Array<Record<string, unknown>>).map(ticketFromRow);
  }

  async handoffQueue(): Promise<{ length: number; oldestCreatedAt: number | null }> {
    const row = this.s.handoffQueue.get() as { length: number; oldest: number | null };
    return { length: row.length, oldestCreatedAt: row.oldest };
  }

  async handoffs(): Promise<HandoffRecord[]> {
    return (this.s.allHandoffs.all() as Array<Record<string, any>>).map(handoffFromRow);
  }

  async ratings(): Promise<RatingRecord[]> {
    return (this.s.allRatings.all() as Array<Record<string, unknown>>).map(ratingFromRow);
  }
}

/** Kept for the files that import it from here; the mapping lives in rows.ts. */
export { handoffFromRow };

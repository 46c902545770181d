/**
 * PostgreSQL implementation of the conversation, records and token-cache
 * ports: the same behaviour as SqliteStore (src/storage/sqlite/sqlite-store.ts),
 * with each turn in its own transaction on a pooled connection instead of
 * SQLite's group commit. A turn's promise settles only after its COMMIT;
 * a repeated delivery key meets the deliveries primary key (a second
 * instance inserting the same key waits for the first to commit, then
 * inserts nothing) and fails as DuplicateDeliveryError.
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
import { formatReference, type ReferencePrefix, referenceDay } from '../reference-numbers.js';
import { appointmentFromRow, conversationFromRow, handoffFromRow, proofCountFromRow, ratingFromRow, ticketFromRow } from '../rows.js';
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
import { only, type PgDatabase, type Queryable, sql, text } from './pg-database.js';
import { PgPrivacyStore } from './pg-privacy-store.js';

/** The first key of the proof locks ('wzpf' in ASCII). */
const PROOF_LOCK_SPACE = 0x777a7066;

const Q = {
  findConversation: sql('conv_find', 'SELECT * FROM conversations WHERE channel = $1 AND user_id = $2'),
  upsertConversation: sql(
    'conv_upsert',
    `INSERT INTO conversations (id, channel, user_id, state, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  ),
  nextSequence: sql(
    'seq_next',
    `INSERT INTO sequences (kind, day, value) VALUES ($1, $2, 1)
     ON CONFLICT (kind, day) DO UPDATE SET value = sequences.value + 1 RETURNING value`,
  ),
  insertAppointment: sql(
    'appt_insert',
    `INSERT INTO appointments (reference, conversation_id, channel, user_id, service, district, date, period, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9, $9)`,
  ),
  findAppointment: sql('appt_find', 'SELECT * FROM appointments WHERE reference = $1'),
  cancelAppointment: sql(
    'appt_cancel',
    "UPDATE appointments SET status = 'cancelled', updated_at = $1 WHERE reference = $2 AND status = 'booked'",
  ),
  insertTicket: sql(
    'ticket_insert',
    `INSERT INTO tickets (reference, conversation_id, kind, channel, user_id, description, location, phone, priority, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $10)`,
  ),
  findTicket: sql('ticket_find', 'SELECT * FROM tickets WHERE reference = $1'),
  /**
   * Held until COMMIT: another turn proving the same number, on this
   * instance or another, waits here and then reads the count this one
   * wrote. An advisory lock, as the number may have no row yet to lock.
   * Its two-key form keeps it apart from the fleet's one-key locks (pg-locks.ts).
   */
  lockProof: sql('proof_lock', `SELECT pg_advisory_xact_lock(${PROOF_LOCK_SPACE}, hashtext($1))`),
  findProof: sql('proof_find', 'SELECT failures, window_start FROM ticket_proofs WHERE reference = $1'),
  saveProof: sql(
    'proof_save',
    `INSERT INTO ticket_proofs (reference, failures, window_start) VALUES ($1, $2, $3)
     ON CONFLICT (reference) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start`,
  ),
  insertHandoff: sql(
    'handoff_insert',
    `INSERT INTO handoffs (id, conversation_id, channel, user_id, reason, priority, summary, status, last_activity_at, last_citizen_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $8, $8)`,
  ),
  queuePosition: sql(
    'handoff_position',
    `SELECT COUNT(*) AS n FROM handoffs WHERE status = 'queued' AND (${PRIORITY_ORDER} < $1 OR (${PRIORITY_ORDER} = $1 AND created_at <= $2))`,
  ),
  recentClaimWait: sql(
    'handoff_claim_wait',
    'SELECT AVG(claimed_at - created_at) AS wait FROM (SELECT claimed_at, created_at FROM handoffs WHERE claimed_at IS NOT NULL ORDER BY claimed_at DESC LIMIT 20) recent',
  ),
  findHandoff: sql('handoff_find', 'SELECT * FROM handoffs WHERE id = $1'),
  touchHandoff: sql(
    'handoff_touch',
    "UPDATE handoffs SET last_citizen_at = $2, last_activity_at = $2 WHERE id = $1 AND status IN ('queued', 'claimed')",
  ),
  leaveHandoff: sql(
    'handoff_leave',
    "UPDATE handoffs SET status = 'closed', closed_at = $2, resolution = $3, last_activity_at = $2 WHERE id = $1 AND status IN ('queued', 'claimed')",
  ),
  insertRating: sql(
    'rating_insert',
    `INSERT INTO ratings (handoff_id, conversation_id, level, comment, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (handoff_id) DO NOTHING`,
  ),
  setRatingFollowUp: sql('rating_follow_up', 'UPDATE ratings SET follow_up_reference = $1 WHERE handoff_id = $2'),
  allAppointments: sql('appt_all', 'SELECT * FROM appointments ORDER BY created_at, reference'),
  allTickets: sql('ticket_all', 'SELECT * FROM tickets ORDER BY created_at, reference'),
  allHandoffs: sql('handoff_all', `SELECT * FROM handoffs ORDER BY ${PRIORITY_ORDER}, created_at`),
  allRatings: sql('rating_all', 'SELECT * FROM ratings ORDER BY created_at'),
  handoffQueue: sql('handoff_queue', "SELECT COUNT(*) AS length, MIN(created_at) AS oldest FROM handoffs WHERE status = 'queued'"),
  insertDelivery: sql(
    'delivery_insert',
    'INSERT INTO deliveries (key, conversation_id, reply, created_at) VALUES ($1, $2, NULL, $3) ON CONFLICT (key) DO NOTHING',
  ),
  setDeliveryReply: sql('delivery_reply', 'UPDATE deliveries SET reply = $1 WHERE key = $2'),
  findDelivery: sql('delivery_find', 'SELECT reply, answered_late FROM deliveries WHERE key = $1'),
  markAnsweredLate: sql('delivery_late', 'UPDATE deliveries SET answered_late = 1 WHERE key = $1'),
  getToken: sql('token_get', 'SELECT token, expires_at FROM channel_tokens WHERE name = $1'),
  putToken: sql(
    'token_put',
    'INSERT INTO channel_tokens (name, token, expires_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at',
  ),
  dropToken: sql('token_drop', 'DELETE FROM channel_tokens WHERE name = $1'),
  writable: sql('writable', "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off' AS writable"),
};

/** Issues the next reference of the day; inside the transaction that stores the record (the sequences row stays locked until COMMIT). */
export async function nextReference(tx: Queryable, prefix: ReferencePrefix, now: number): Promise<string> {
  const day = referenceDay(now);
  return formatReference(prefix, day, only(await tx.run<{ value: number }>(Q.nextSequence, [prefix, day])).value);
}

export class PgConversationStore implements ConversationStore, RecordsQuery, TokenCache {
  private readonly privacy: PgPrivacyStore;

  constructor(private readonly db: PgDatabase) {
    this.privacy = new PgPrivacyStore(db);
  }

  async find(channel: Channel, userId: string): Promise<Conversation | null> {
    const row = (await this.db.run(Q.findConversation, [channel, userId])).rows[0];
    return row ? conversationFromRow(row) : null;
  }

  commitTurn<T>(turn: TurnCommit<T>): Promise<T> {
    return this.db.transaction((tx) => this.writeTurn(tx, turn));
  }

  private async writeTurn<T>(tx: Queryable, turn: TurnCommit<T>): Promise<T> {
    const c = turn.conversation;
    if (turn.deliveryKey && (await tx.run(Q.insertDelivery, [turn.deliveryKey, c.id, turn.now])).rowCount === 0) {
      throw new DuplicateDeliveryError(turn.deliveryKey);
    }
    const results: ActionResult[] = [];
    for (const a of turn.actions) results.push(await this.perform(tx, a, c, turn.now));
    const done = turn.finish(results);
    // Records carry the conversation id without a foreign key; messages
    // have one, so the conversation row is written before them.
    await tx.run(Q.upsertConversation, [c.id, c.channel, c.userId, text(JSON.stringify(done.state)), c.updatedAt]);
    await insertMessages(tx, c.id, [turn.incoming, ...done.outgoing], turn.now);
    if (turn.deliveryKey && done.deliveryReply !== undefined) {
      await tx.run(Q.setDeliveryReply, [text(done.deliveryReply), turn.deliveryKey]);
    }
    return done.value;
  }

  async writable(): Promise<boolean> {
    try {
      return (await this.db.run<{ writable: boolean }>(Q.writable)).rows[0]?.writable === true;
    } catch {
      return false;
    }
  }

  async findDelivery(key: string): Promise<{ reply: string | null; answeredLate: boolean } | null> {
    const row = (await this.db.run(Q.findDelivery, [key])).rows[0];
    return row ? { reply: row.reply as string | null, answeredLate: row.answered_late === 1 } : null;
  }

  async markAnsweredLate(key: string): Promise<void> {
    await this.db.run(Q.markAnsweredLate, [key]);
  }

  forgetUser(channel: Channel, userId: string): Promise<{ conversations: number; messages: number; anonymised: number }> {
    return this.privacy.forgetCitizen(channel, userId, Date.now());
  }

  async get(name: string): Promise<{ token: string; expiresAt: number } | null> {
    const row = (await this.db.run(Q.getToken, [name])).rows[0];
    return row ? { token: row.token as string, expiresAt: row.expires_at as number } : null;
  }

  async put(name: string, token: string, expiresAt: number): Promise<void> {
    await this.db.run(Q.putToken, [name, token, expiresAt]);
  }

  async drop(name: string): Promise<void> {
    await this.db.run(Q.dropToken, [name]);
  }

  private async perform(tx: Queryable, action: Action, c: Conversation, now: number): Promise<ActionResult> {
    switch (action.type) {
      case 'create_appointment': {
        const reference = await nextReference(tx, 'A', now);
        await tx.run(Q.insertAppointment, [
          reference,
          c.id,
          c.channel,
          c.userId,
          text(action.service),
          text(action.district),
          text(action.date),
          action.period,
          now,
        ]);
        return { type: 'appointment_created', reference };
      }
      case 'cancel_appointment': {
        const row = (await tx.run(Q.findAppointment, [action.reference])).rows[0];
        if (!ownsRecord(row, c)) {
          return { type: 'appointment_cancelled', reference: action.reference, found: false, alreadyCancelled: false };
        }
        const changed = (await tx.run(Q.cancelAppointment, [now, action.reference])).rowCount > 0;
        return { type: 'appointment_cancelled', reference: action.reference, found: true, alreadyCancelled: !changed };
      }
      case 'create_ticket': {
        const reference = await nextReference(tx, 'T', now);
        await insertTicket(tx, c, now, {
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
        const row = (await tx.run(appointment ? Q.findAppointment : Q.findTicket, [action.reference])).rows[0];
        const proof = appointment ? undefined : proofCountFromRow((await tx.run(Q.findProof, [action.reference])).rows[0]);
        return lookupResult(action.reference, row, c, proof, now);
      }
      case 'verify_reference': {
        await tx.run(Q.lockProof, [action.reference]);
        const proof = proofCountFromRow((await tx.run(Q.findProof, [action.reference])).rows[0]);
        const ticket = (await tx.run(Q.findTicket, [action.reference])).rows[0];
        const { result, count } = verifyResult(action.reference, ticket, action.phoneTail, proof, now);
        if (count) await tx.run(Q.saveProof, [action.reference, count.failures, count.windowStart]);
        return result;
      }
      case 'request_handoff': {
        const id = randomUUID();
        await tx.run(Q.insertHandoff, [id, c.id, c.channel, c.userId, action.reason, action.priority, text(action.summary), now]);
        const queuePosition = await this.queuePosition(tx, action.priority, now);
        return {
          type: 'handoff_requested',
          id,
          reason: action.reason,
          priority: action.priority,
          queuePosition,
          expectedWaitMinutes: await this.expectedWait(tx, queuePosition),
        };
      }
      case 'forward_to_staff': {
        await tx.run(Q.touchHandoff, [action.handoffId, now]);
        const h = (await tx.run(Q.findHandoff, [action.handoffId])).rows[0] as
          | { status: string; priority: Priority; created_at: number }
          | undefined;
        const open = h !== undefined && (h.status === 'queued' || h.status === 'claimed');
        const queuePosition = h?.status === 'queued' ? await this.queuePosition(tx, h.priority, h.created_at) : 0;
        return {
          type: 'forwarded',
          handoffId: action.handoffId,
          open,
          claimed: h?.status === 'claimed',
          queuePosition,
          expectedWaitMinutes: await this.expectedWait(tx, queuePosition),
        };
      }
      case 'leave_handoff':
        await tx.run(Q.leaveHandoff, [action.handoffId, now, SYSTEM_RESOLUTIONS.citizenLeft]);
        return { type: 'handoff_left', handoffId: action.handoffId };
      case 'record_rating': {
        const inserted = await tx.run(Q.insertRating, [
          action.handoffId,
          c.id,
          action.level,
          action.comment === null ? null : text(action.comment),
          now,
        ]);
        if (inserted.rowCount === 0) {
          return { type: 'rating_recorded', handoffId: action.handoffId, level: action.level, followUpReference: null, duplicate: true };
        }
        let followUpReference: string | null = null;
        if (needsFollowUp(action.level)) {
          followUpReference = await nextReference(tx, 'T', now);
          const h = (await tx.run(Q.findHandoff, [action.handoffId])).rows[0] as { summary: string } | undefined;
          await insertTicket(tx, c, now, {
            reference: followUpReference,
            kind: 'follow_up',
            description: followUpDescription(action.level, action.comment, h?.summary),
            location: null,
            phone: null,
            priority: 'normal',
          });
          await tx.run(Q.setRatingFollowUp, [followUpReference, action.handoffId]);
        }
        return { type: 'rating_recorded', handoffId: action.handoffId, level: action.level, followUpReference, duplicate: false };
      }
    }
  }

  private async queuePosition(tx: Queryable, priority: Priority, createdAt: number): Promise<number> {
    return only(await tx.run<{ n: number }>(Q.queuePosition, [priorityRank(priority), createdAt])).n;
  }

  private async expectedWait(tx: Queryable, position: number): Promise<number> {
    const { wait } = only(await tx.run<{ wait: number | null }>(Q.recentClaimWait));
    return expectedWaitMinutes(wait, position);
  }

  async appointments(): Promise<AppointmentRecord[]> {
    return (await this.db.run(Q.allAppointments)).rows.map(appointmentFromRow);
  }

  async tickets(): Promise<TicketRecord[]> {
    return (await this.db.run(Q.allTickets)).rows.map(ticketFromRow);
  }

  async handoffQueue(): Promise<{ length: number; oldestCreatedAt: number | null }> {
    const row = only(await this.db.run<{ length: number; oldest: number | null }>(Q.handoffQueue));
    return { length: row.length, oldestCreatedAt: row.oldest };
  }

  async handoffs(): Promise<HandoffRecord[]> {
    return (await this.db.run(Q.allHandoffs)).rows.map(handoffFromRow);
  }

  async ratings(): Promise<RatingRecord[]> {
    return (await this.db.run(Q.allRatings)).rows.map(ratingFromRow);
  }
}

async function insertTicket(
  tx: Queryable,
  c: Conversation,
  now: number,
  t: { reference: string; kind: string; description: string; location: string | null; phone: string | null; priority: Priority },
): Promise<void> {
  const orNull = (s: string | null) => (s === null ? null : text(s));
  await tx.run(Q.insertTicket, [
    t.reference,
    c.id,
    t.kind,
    c.channel,
    c.userId,
    text(t.description),
    orNull(t.location),
    orNull(t.phone),
    t.priority,
    now,
  ]);
}

/** A turn's messages in one statement (one round trip instead of one per message). */
async function insertMessages(tx: Queryable, conversationId: string, messages: MessageLog[], now: number): Promise<void> {
  const values: unknown[] = [];
  const tuples = messages.map((m, i) => {
    values.push(
      conversationId,
      m.direction,
      text(m.text),
      m.intent,
      m.score,
      m.modelVersion,
      now,
      m.author ?? (m.direction === 'in' ? 'citizen' : 'assistant'),
      m.outcome ?? null,
      m.trace === undefined ? null : JSON.stringify(m.trace),
      m.maskedText == null ? null : text(m.maskedText),
    );
    const b = i * 11;
    return `(${Array.from({ length: 11 }, (_, k) => `$${b + k + 1}`).join(', ')})`;
  });
  // Named per message count, so each shape is prepared once per connection.
  await tx.run(
    sql(
      `msg_insert_${messages.length}`,
      `INSERT INTO messages (conversation_id, direction, text, intent, score, model_version, created_at, author, outcome, trace, masked_text)
       VALUES ${tuples.join(', ')}`,
    ),
    values,
  );
}

/**
 * PostgreSQL implementation of the staff port: accounts, sessions, the
 * audit log and the handoff desk, as SqliteStaffStore. Each multi-row
 * change is one transaction; a claim is one conditional UPDATE, so of
 * several instances claiming one handoff exactly one succeeds.
 */
import type { Channel } from '../../core/conversation.js';
import type {
  AuditEntry,
  CannedReply,
  Delivery,
  LoginFailures,
  Note,
  OutgoingStaffMessage,
  Role,
  StaffAccount,
  StaffStore,
  StaffUser,
  StoredMessage,
} from '../../core/staff.js';
import type { HandoffRecord } from '../../core/stores.js';
import { auditEntryFromRow, handoffFromRow, listedUserFromRow, messageFromRow, type Row, staffAccountFromRow } from '../rows.js';
import { PRIORITY_ORDER } from '../turn-rules.js';
import { nextReference } from './pg-conversation-store.js';
import { only, type PgDatabase, type Queryable, sql, text } from './pg-database.js';

// The handoff a message belongs to: the conversation's latest one opened before it.
const HANDOFF_OF =
  '(SELECT h.id FROM handoffs h WHERE h.conversation_id = m.conversation_id AND h.created_at <= m.created_at ORDER BY h.created_at DESC LIMIT 1) AS handoff_id';
const OPEN = "status IN ('queued', 'claimed')";

const Q = {
  createUser: sql('st_create_user', 'INSERT INTO staff_users (id, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)'),
  accountByName: sql('st_account_by_name', 'SELECT * FROM staff_users WHERE name = $1'),
  user: sql('st_user', 'SELECT id, name, role FROM staff_users WHERE id = $1'),
  users: sql('st_users', 'SELECT * FROM staff_users ORDER BY name'),
  findLoginFailures: sql('st_login_failures', 'SELECT failures, paused_until FROM login_failures WHERE name = $1 AND source = $2'),
  countLoginFailure: sql(
    'st_count_login_failure',
    `INSERT INTO login_failures (name, source, failures, last_at) VALUES ($1, $2, 1, $3)
     ON CONFLICT (name, source) DO UPDATE SET
       failures = CASE WHEN login_failures.paused_until <= $3 AND login_failures.last_at < $4 THEN 1 ELSE login_failures.failures + 1 END,
       last_at = $3
     RETURNING failures`,
  ),
  pauseLogins: sql(
    'st_pause_logins',
    'UPDATE login_failures SET paused_until = GREATEST(paused_until, $3) WHERE name = $1 AND source = $2',
  ),
  clearLoginFailuresFrom: sql('st_clear_login_failures_from', 'DELETE FROM login_failures WHERE name = $1 AND source = $2'),
  clearLoginFailures: sql('st_clear_login_failures', 'DELETE FROM login_failures WHERE name = $1'),
  pausedLoginNames: sql('st_paused_login_names', 'SELECT DISTINCT name FROM login_failures WHERE paused_until > $1'),
  setDisabled: sql('st_set_disabled', 'UPDATE staff_users SET disabled = $1 WHERE id = $2'),
  setPassword: sql('st_set_password', 'UPDATE staff_users SET password_hash = $1 WHERE id = $2'),
  endSessions: sql('st_end_sessions', 'DELETE FROM staff_sessions WHERE staff_id = $1'),
  createSession: sql(
    'st_create_session',
    'INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
  ),
  session: sql(
    'st_session',
    `SELECT u.id, u.name, u.role, s.csrf_token FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_id
     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0`,
  ),
  deleteSession: sql('st_delete_session', 'DELETE FROM staff_sessions WHERE token_hash = $1'),
  purgeSessions: sql('st_purge_sessions', 'DELETE FROM staff_sessions WHERE expires_at <= $1'),
  audit: sql('st_audit', 'INSERT INTO audit_log (at, staff_id, action, target, details) VALUES ($1, $2, $3, $4, $5)'),
  auditLog: sql(
    'st_audit_log',
    'SELECT a.*, u.name AS staff_name FROM audit_log a LEFT JOIN staff_users u ON u.id = a.staff_id ORDER BY a.id DESC LIMIT $1',
  ),
  handoff: sql('st_handoff', 'SELECT * FROM handoffs WHERE id = $1'),
  open: sql('st_open', `SELECT * FROM handoffs WHERE ${OPEN} ORDER BY ${PRIORITY_ORDER}, created_at`),
  closed: sql(
    'st_closed',
    "SELECT * FROM handoffs WHERE status IN ('closed', 'callback') ORDER BY COALESCE(closed_at, created_at) DESC LIMIT $1",
  ),
  claim: sql(
    'st_claim',
    "UPDATE handoffs SET status = 'claimed', claimed_by = $2, claimed_at = $3, last_activity_at = $3 WHERE id = $1 AND status = 'queued'",
  ),
  release: sql(
    'st_release',
    `UPDATE handoffs SET status = 'queued', claimed_by = NULL, claimed_at = NULL, last_activity_at = $4
     WHERE id = $1 AND status = 'claimed' AND (claimed_by = $2 OR $3 = 1)`,
  ),
  transfer: sql(
    'st_transfer',
    `UPDATE handoffs SET claimed_by = $3, claimed_at = $5, last_activity_at = $5
     WHERE id = $1 AND status = 'claimed' AND (claimed_by = $2 OR $4 = 1)`,
  ),
  insertMessage: sql(
    'st_insert_message',
    `INSERT INTO messages (conversation_id, direction, text, author, staff_id, delivery, created_at)
     VALUES ($1, 'out', $2, $3, $4, $5, $6) RETURNING id`,
  ),
  firstResponse: sql(
    'st_first_response',
    'UPDATE handoffs SET first_response_at = COALESCE(first_response_at, $2), last_activity_at = $2 WHERE id = $1',
  ),
  setDelivery: sql('st_set_delivery', 'UPDATE messages SET delivery = $1, delivery_error = $2 WHERE id = $3'),
  insertCallback: sql(
    'st_insert_callback',
    `INSERT INTO tickets (reference, conversation_id, kind, channel, user_id, description, location, phone, status, handoff_id, created_at, updated_at)
     VALUES ($1, $2, 'callback', $3, $4, $5, NULL, NULL, 'open', $6, $7, $7)`,
  ),
  toCallback: sql(
    'st_to_callback',
    `UPDATE handoffs SET status = 'callback', callback_reference = $2, closed_at = $3, last_activity_at = $3 WHERE id = $1 AND ${OPEN}`,
  ),
  end: sql(
    'st_end',
    `UPDATE handoffs SET status = 'closed', closed_at = $2, closed_by = $3, resolution = $4, last_activity_at = $2
     WHERE id = $1 AND ${OPEN}`,
  ),
  setState: sql('st_set_state', 'UPDATE conversations SET state = $1, updated_at = $2 WHERE id = $3'),
  idle: sql('st_idle', `SELECT * FROM handoffs WHERE ${OPEN} AND last_activity_at < $1`),
  messages: sql(
    'st_messages',
    `SELECT m.*, u.name AS staff_name FROM messages m LEFT JOIN staff_users u ON u.id = m.staff_id
     WHERE m.conversation_id = $1 ORDER BY m.id`,
  ),
  message: sql(
    'st_message',
    'SELECT m.*, u.name AS staff_name FROM messages m LEFT JOIN staff_users u ON u.id = m.staff_id WHERE m.id = $1',
  ),
  forCitizen: sql(
    'st_for_citizen',
    `SELECT m.id, m.author, m.text, m.created_at, m.delivery, ${HANDOFF_OF} FROM messages m JOIN conversations c ON c.id = m.conversation_id
     WHERE c.channel = $1 AND c.user_id = $2 AND m.id > $3 AND m.author IN ('staff', 'system') AND m.delivery IN ('pending', 'sent')
     ORDER BY m.id LIMIT 100`,
  ),
  markSent: sql('st_mark_sent', "UPDATE messages SET delivery = 'sent' WHERE id = $1 AND delivery = 'pending'"),
  undelivered: sql(
    'st_undelivered',
    `SELECT m.id, m.text, m.delivery, ${HANDOFF_OF} FROM messages m
     WHERE m.conversation_id = $1 AND m.delivery IN ('held', 'failed') ORDER BY m.id`,
  ),
  notes: sql(
    'st_notes',
    'SELECT n.id, n.text, n.created_at, u.name FROM handoff_notes n JOIN staff_users u ON u.id = n.staff_id WHERE n.handoff_id = $1 ORDER BY n.id',
  ),
  addNote: sql('st_add_note', 'INSERT INTO handoff_notes (handoff_id, staff_id, text, created_at) VALUES ($1, $2, $3, $4) RETURNING id'),
  canned: sql('st_canned', 'SELECT id, title, text FROM canned_replies ORDER BY title, id'),
  addCanned: sql('st_add_canned', 'INSERT INTO canned_replies (title, text, created_at) VALUES ($1, $2, $3) RETURNING id'),
  deleteCanned: sql('st_delete_canned', 'DELETE FROM canned_replies WHERE id = $1'),
  rating: sql('st_rating', 'SELECT level, comment FROM ratings WHERE handoff_id = $1'),
};

export class PgStaffStore implements StaffStore {
  constructor(private readonly db: PgDatabase) {}

  async createUser(u: { id: string; name: string; role: Role; passwordHash: string; now: number }): Promise<void> {
    await this.db.run(Q.createUser, [u.id, text(u.name), u.role, u.passwordHash, u.now]);
  }

  async findAccountByName(name: string): Promise<StaffAccount | null> {
    const r = (await this.db.run(Q.accountByName, [text(name)])).rows[0];
    return r ? staffAccountFromRow(r) : null;
  }

  async findUser(id: string): Promise<StaffUser | null> {
    return ((await this.db.run(Q.user, [id])).rows[0] as StaffUser | undefined) ?? null;
  }

  async listUsers(): Promise<Array<StaffUser & { disabled: boolean }>> {
    return (await this.db.run(Q.users)).rows.map(listedUserFromRow);
  }

  async findLoginFailures(name: string, source: string): Promise<LoginFailures | null> {
    const r = (await this.db.run(Q.findLoginFailures, [name, source])).rows[0];
    return r ? { failures: Number(r.failures), pausedUntil: Number(r.paused_until) } : null;
  }

  async countLoginFailure(name: string, source: string, now: number, resetBefore: number): Promise<number> {
    return Number(only(await this.db.run(Q.countLoginFailure, [name, source, now, resetBefore])).failures);
  }

  async pauseLogins(name: string, source: string, until: number): Promise<void> {
    await this.db.run(Q.pauseLogins, [name, source, until]);
  }

  async clearLoginFailures(name: string, source?: string): Promise<void> {
    if (source === undefined) await this.db.run(Q.clearLoginFailures, [name]);
    else await this.db.run(Q.clearLoginFailuresFrom, [name, source]);
  }

  async pausedLoginNames(now: number): Promise<string[]> {
    return (await this.db.run<{ name: string }>(Q.pausedLoginNames, [now])).rows.map((r) => r.name);
  }

  updateUser(id: string, change: { disabled?: boolean; passwordHash?: string }): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if ((await tx.run(Q.user, [id])).rowCount === 0) return false;
      if (change.disabled !== undefined) await tx.run(Q.setDisabled, [change.disabled ? 1 : 0, id]);
      if (change.passwordHash) await tx.run(Q.setPassword, [change.passwordHash, id]);
      if (change.disabled || change.passwordHash) await tx.run(Q.endSessions, [id]);
      return true;
    });
  }

  async createSession(s: { tokenHash: string; staffId: string; csrfToken: string; now: number; expiresAt: number }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(Q.purgeSessions, [s.now]);
      await tx.run(Q.createSession, [s.tokenHash, s.staffId, s.csrfToken, s.now, s.expiresAt]);
    });
  }

  async findSession(tokenHash: string, now: number): Promise<{ user: StaffUser; csrfToken: string } | null> {
    const r = (await this.db.run(Q.session, [tokenHash, now])).rows[0];
    return r ? { user: { id: r.id, name: r.name, role: r.role }, csrfToken: r.csrf_token } : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.run(Q.deleteSession, [tokenHash]);
  }

  async audit(e: { staffId: string | null; action: string; target?: string | null; details?: unknown; now: number }): Promise<void> {
    const details = e.details === undefined ? null : JSON.stringify(e.details);
    await this.db.run(Q.audit, [e.now, e.staffId, e.action, e.target == null ? null : text(e.target), details]);
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    return (await this.db.run(Q.auditLog, [limit])).rows.map(auditEntryFromRow);
  }

  async handoff(id: string): Promise<HandoffRecord | null> {
    const r = (await this.db.run(Q.handoff, [id])).rows[0];
    return r ? handoffFromRow(r) : null;
  }

  async openHandoffs(): Promise<HandoffRecord[]> {
    return (await this.db.run(Q.open)).rows.map(handoffFromRow);
  }

  async recentlyClosed(limit: number): Promise<HandoffRecord[]> {
    return (await this.db.run(Q.closed, [limit])).rows.map(handoffFromRow);
  }

  async claim(id: string, staffId: string, now: number): Promise<boolean> {
    return (await this.db.run(Q.claim, [id, staffId, now])).rowCount === 1;
  }

  async release(id: string, staffId: string, anyHolder: boolean, now: number): Promise<boolean> {
    return (await this.db.run(Q.release, [id, staffId, anyHolder ? 1 : 0, now])).rowCount === 1;
  }

  async transfer(id: string, fromStaffId: string, toStaffId: string, anyHolder: boolean, now: number): Promise<boolean> {
    return (await this.db.run(Q.transfer, [id, fromStaffId, toStaffId, anyHolder ? 1 : 0, now])).rowCount === 1;
  }

  addStaffMessage(h: HandoffRecord, m: OutgoingStaffMessage, now: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const id = await insertMessage(tx, h.conversationId, m, now);
      if (m.author === 'staff') await tx.run(Q.firstResponse, [h.id, now]);
      return id;
    });
  }

  async setDelivery(messageId: number, delivery: Delivery, error: string | null): Promise<void> {
    await this.db.run(Q.setDelivery, [delivery, error === null ? null : text(error), messageId]);
  }

  convertToCallback(h: HandoffRecord, description: string, now: number): Promise<string> {
    return this.db.transaction(async (tx) => {
      if (h.callbackReference) return h.callbackReference;
      const reference = await nextReference(tx, 'T', now);
      await tx.run(Q.insertCallback, [reference, h.conversationId, h.channel, h.userId, text(description), h.id, now]);
      await tx.run(Q.toCallback, [h.id, reference, now]);
      return reference;
    });
  }

  endHandoff(e: Parameters<StaffStore['endHandoff']>[0]): Promise<{ messageId: number } | null> {
    return this.db.transaction(async (tx) => {
      const changed = (await tx.run(Q.end, [e.handoff.id, e.now, e.staffId, e.resolution])).rowCount;
      if (changed === 0) return null;
      if (e.state) await tx.run(Q.setState, [text(JSON.stringify(e.state)), e.now, e.handoff.conversationId]);
      return { messageId: await insertMessage(tx, e.handoff.conversationId, e.message, e.now) };
    });
  }

  async idleHandoffs(before: number): Promise<HandoffRecord[]> {
    return (await this.db.run(Q.idle, [before])).rows.map(handoffFromRow);
  }

  async messages(conversationId: string): Promise<StoredMessage[]> {
    return (await this.db.run(Q.messages, [conversationId])).rows.map(messageFromRow);
  }

  async message(id: number): Promise<(StoredMessage & { conversationId: string }) | null> {
    const r = (await this.db.run(Q.message, [id])).rows[0];
    return r ? { ...messageFromRow(r), conversationId: r.conversation_id } : null;
  }

  /**
   * As SQLite's, except that a message counts as delivered only where this
   * call's UPDATE changed it: two instances answering two polls at once
   * both return the message, but only one announces the delivery.
   */
  takeForCitizen(channel: Channel, userId: string, after: number) {
    return this.db.transaction(async (tx) => {
      const rows = (await tx.run(Q.forCitizen, [channel, userId, after])).rows;
      const delivered = new Set<string>();
      for (const r of rows) {
        if (r.delivery !== 'pending') continue;
        const marked = (await tx.run(Q.markSent, [r.id])).rowCount > 0;
        if (marked && r.handoff_id) delivered.add(r.handoff_id as string);
      }
      return {
        messages: rows.map((r: Row) => ({
          id: r.id as number,
          author: r.author as string,
          text: r.text as string,
          at: r.created_at as number,
        })),
        delivered: [...delivered],
      };
    });
  }

  async undelivered(conversationId: string) {
    return (await this.db.run(Q.undelivered, [conversationId])).rows.map((r) => ({
      id: r.id as number,
      text: r.text as string,
      delivery: r.delivery as Delivery,
      handoffId: (r.handoff_id as string | null) ?? null,
    }));
  }

  async notes(handoffId: string): Promise<Note[]> {
    return (await this.db.run(Q.notes, [handoffId])).rows.map((r) => ({ id: r.id, staffName: r.name, text: r.text, at: r.created_at }));
  }

  async addNote(handoffId: string, staffId: string, note: string, now: number): Promise<Note> {
    const id = only(await this.db.run<{ id: number }>(Q.addNote, [handoffId, staffId, text(note), now])).id;
    const user = await this.findUser(staffId);
    return { id, staffName: user?.name ?? '', text: note, at: now };
  }

  async cannedReplies(): Promise<CannedReply[]> {
    return (await this.db.run<CannedReply>(Q.canned)).rows;
  }

  async addCannedReply(title: string, reply: string, now: number): Promise<CannedReply> {
    const id = only(await this.db.run<{ id: number }>(Q.addCanned, [text(title), text(reply), now])).id;
    return { id, title, text: reply };
  }

  async deleteCannedReply(id: number): Promise<boolean> {
    return (await this.db.run(Q.deleteCanned, [id])).rowCount === 1;
  }

  async rating(handoffId: string): Promise<{ level: number; comment: string | null } | null> {
    return ((await this.db.run(Q.rating, [handoffId])).rows[0] as { level: number; comment: string | null } | undefined) ?? null;
  }
}

async function insertMessage(tx: Queryable, conversationId: string, m: OutgoingStaffMessage, now: number): Promise<number> {
  return only(await tx.run<{ id: number }>(Q.insertMessage, [conversationId, text(m.text), m.author, m.staffId, m.delivery, now])).id;
}

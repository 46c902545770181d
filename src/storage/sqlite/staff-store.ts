/**
 * SQLite implementation of the staff port: accounts, sessions, the audit
 * log, and the handoff desk. Each multi-row change is one transaction.
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
import { issueReference, NEXT_SEQUENCE_SQL } from './references.js';
import type { Db } from './sqlite.js';

// The handoff a message belongs to: the conversation's latest one opened before it.
const HANDOFF_OF =
  '(SELECT h.id FROM handoffs h WHERE h.conversation_id = m.conversation_id AND h.created_at <= m.created_at ORDER BY h.created_at DESC LIMIT 1) AS handoff_id';

const OPEN = "status IN ('queued', 'claimed')";

export class SqliteStaffStore implements StaffStore {
  private readonly s;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      createUser: p('INSERT INTO staff_users (id, name, role, password_hash, created_at) VALUES (@id, @name, @role, @passwordHash, @now)'),
      accountByName: p('SELECT * FROM staff_users WHERE name = ?'),
      user: p('SELECT id, name, role FROM staff_users WHERE id = ?'),
      users: p('SELECT * FROM staff_users ORDER BY name'),
      findLoginFailures: p('SELECT failures, paused_until FROM login_failures WHERE name = ? AND source = ?'),
      countLoginFailure: p(
        `INSERT INTO login_failures (name, source, failures, last_at) VALUES (@name, @source, 1, @now)
         ON CONFLICT (name, source) DO UPDATE SET
           failures = CASE WHEN paused_until <= @now AND last_at < @resetBefore THEN 1 ELSE failures + 1 END,
           last_at = @now
         RETURNING failures`,
      ),
      pauseLogins: p('UPDATE login_failures SET paused_until = max(paused_until, @until) WHERE name = @name AND source = @source'),
      clearLoginFailuresFrom: p('DELETE FROM login_failures WHERE name = ? AND source = ?'),
      clearLoginFailures: p('DELETE FROM login_failures WHERE name = ?'),
      pausedLoginNames: p('SELECT DISTINCT name FROM login_failures WHERE paused_until > ?'),
      setDisabled: p('UPDATE staff_users SET disabled = ? WHERE id = ?'),
      setPassword: p('UPDATE staff_users SET password_hash = ? WHERE id = ?'),
      endSessions: p('DELETE FROM staff_sessions WHERE staff_id = ?'),
      createSession: p(
        'INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, expires_at) VALUES (@tokenHash, @staffId, @csrfToken, @now, @expiresAt)',
      ),
      session: p(
        `SELECT u.id, u.name, u.role, s.csrf_token FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0`,
      ),
      deleteSession: p('DELETE FROM staff_sessions WHERE token_hash = ?'),
      purgeSessions: p('DELETE FROM staff_sessions WHERE expires_at <= ?'),
      audit: p('INSERT INTO audit_log (at, staff_id, action, target, details) VALUES (?, ?, ?, ?, ?)'),
      auditLog: p(
        'SELECT a.*, u.name AS staff_name FROM audit_log a LEFT JOIN staff_users u ON u.id = a.staff_id ORDER BY a.id DESC LIMIT ?',
      ),
      handoff: p('SELECT * FROM handoffs WHERE id = ?'),
      open: p(`SELECT * FROM handoffs WHERE ${OPEN} ORDER BY ${PRIORITY_ORDER}, created_at`),
      closed: p("SELECT * FROM handoffs WHERE status IN ('closed', 'callback') ORDER BY COALESCE(closed_at, created_at) DESC LIMIT ?"),
      claim: p(
        "UPDATE handoffs SET status = 'claimed', claimed_by = @staffId, claimed_at = @now, last_activity_at = @now WHERE id = @id AND status = 'queued'",
      ),
      release: p(
        `UPDATE handoffs SET status = 'queued', claimed_by = NULL, claimed_at = NULL, last_activity_at = @now
         WHERE id = @id AND status = 'claimed' AND (claimed_by = @staffId OR @any = 1)`,
      ),
      transfer: p(
        `UPDATE handoffs SET claimed_by = @to, claimed_at = @now, last_activity_at = @now
         WHERE id = @id AND status = 'claimed' AND (claimed_by = @from OR @any = 1)`,
      ),
      insertMessage: p(
        `INSERT INTO messages (conversation_id, direction, text, author, staff_id, delivery, created_at)
         VALUES (@conversationId, 'out', @text, @author, @staffId, @delivery, @now)`,
      ),
      firstResponse: p('UPDATE handoffs SET first_response_at = COALESCE(first_response_at, @now), last_activity_at = @now WHERE id = @id'),
      setDelivery: p('UPDATE messages SET delivery = ?, delivery_error = ? WHERE id = ?'),
      nextSequence: p(NEXT_SEQUENCE_SQL),
      insertCallback: p(
        `INSERT INTO tickets (reference, conversation_id, kind, channel, user_id, description, location, phone, status, handoff_id, created_at, updated_at)
         VALUES (@reference, @conversationId, 'callback', @channel, @userId, @description, NULL, NULL, 'open', @handoffId, @now, @now)`,
      ),
      toCallback: p(
        `UPDATE handoffs SET status = 'callback', callback_reference = @reference, closed_at = @now, last_activity_at = @now WHERE id = @id AND ${OPEN}`,
      ),
      end: p(
        `UPDATE handoffs SET status = 'closed', closed_at = @now, closed_by = @staffId, resolution = @resolution, last_activity_at = @now
         WHERE id = @id AND ${OPEN}`,
      ),
      setState: p('UPDATE conversations SET state = ?, updated_at = ? WHERE id = ?'),
      idle: p(`SELECT * FROM handoffs WHERE ${OPEN} AND last_activity_at < ?`),
      messages: p(
        `SELECT m.*, u.name AS staff_name FROM messages m LEFT JOIN staff_users u ON u.id = m.staff_id
         WHERE m.conversation_id = ? ORDER BY m.id`,
      ),
      message: p('SELECT m.*, u.name AS staff_name FROM messages m LEFT JOIN staff_users u ON u.id = m.staff_id WHERE m.id = ?'),
      forCitizen: p(
        `SELECT m.id, m.author, m.text, m.created_at, m.delivery, ${HANDOFF_OF} FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.channel = ? AND c.user_id = ? AND m.id > ? AND m.author IN ('staff', 'system') AND m.delivery IN ('pending', 'sent')
         ORDER BY m.id LIMIT 100`,
      ),
      markSent: p("UPDATE messages SET delivery = 'sent' WHERE id = ? AND delivery = 'pending'"),
      undelivered: p(
        `SELECT m.id, m.text, m.delivery, ${HANDOFF_OF} FROM messages m
         WHERE m.conversation_id = ? AND m.delivery IN ('held', 'failed') ORDER BY m.id`,
      ),
      notes: p(
        'SELECT n.id, n.text, n.created_at, u.name FROM handoff_notes n JOIN staff_users u ON u.id = n.staff_id WHERE n.handoff_id = ? ORDER BY n.id',
      ),
      addNote: p('INSERT INTO handoff_notes (handoff_id, staff_id, text, created_at) VALUES (?, ?, ?, ?)'),
      canned: p('SELECT id, title, text FROM canned_replies ORDER BY title, id'),
      addCanned: p('INSERT INTO canned_replies (title, text, created_at) VALUES (?, ?, ?)'),
      deleteCanned: p('DELETE FROM canned_replies WHERE id = ?'),
      rating: p('SELECT level, comment FROM ratings WHERE handoff_id = ?'),
    };
  }

  async createUser(u: { id: string; name: string; role: Role; passwordHash: string; now: number }): Promise<void> {
    this.s.createUser.run(u);
  }

  async findAccountByName(name: string): Promise<StaffAccount | null> {
    const r = this.s.accountByName.get(name) as Row | undefined;
    return r ? staffAccountFromRow(r) : null;
  }

  async findUser(id: string): Promise<StaffUser | null> {
    return (this.s.user.get(id) as StaffUser | undefined) ?? null;
  }

  async listUsers(): Promise<Array<StaffUser & { disabled: boolean }>> {
    return (this.s.users.all() as Row[]).map(listedUserFromRow);
  }

  async findLoginFailures(name: string, source: string): Promise<LoginFailures | null> {
    const r = this.s.findLoginFailures.get(name, source) as Row | undefined;
    return r ? { failures: r.failures as number, pausedUntil: r.paused_until as number } : null;
  }

  async countLoginFailure(name: string, source: string, now: number, resetBefore: number): Promise<number> {
    return (this.s.countLoginFailure.get({ name, source, now, resetBefore }) as { failures: number }).failures;
  }

  async pauseLogins(name: string, source: string, until: number): Promise<void> {
    this.s.pauseLogins.run({ name, source, until });
  }

  async clearLoginFailures(name: string, source?: string): Promise<void> {
    if (source === undefined) this.s.clearLoginFailures.run(name);
    else this.s.clearLoginFailuresFrom.run(name, source);
  }

  async pausedLoginNames(now: number): Promise<string[]> {
    return (this.s.pausedLoginNames.all(now) as Array<{ name: string }>).map((r) => r.name);
  }

  async updateUser(id: string, change: { disabled?: boolean; passwordHash?: string }): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.s.user.get(id)) return false;
      if (change.disabled !== undefined) this.s.setDisabled.run(change.disabled ? 1 : 0, id);
      if (change.passwordHash) this.s.setPassword.run(change.passwordHash, id);
      if (change.disabled || change.passwordHash) this.s.endSessions.run(id);
      return true;
    })();
  }

  async createSession(s: { tokenHash: string; staffId: string; csrfToken: string; now: number; expiresAt: number }): Promise<void> {
    this.db.transaction(() => {
      this.s.purgeSessions.run(s.now);
      this.s.createSession.run(s);
    })();
  }

  async findSession(tokenHash: string, now: number): Promise<{ user: StaffUser; csrfToken: string } | null> {
    const r = this.s.session.get(tokenHash, now) as Row | undefined;
    return r ? { user: { id: r.id, name: r.name, role: r.role }, csrfToken: r.csrf_token } : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.s.deleteSession.run(tokenHash);
  }

  async audit(e: { staffId: string | null; action: string; target?: string | null; details?: unknown; now: number }): Promise<void> {
    this.s.audit.run(e.now, e.staffId, e.action, e.target ?? null, e.details === undefined ? null : JSON.stringify(e.details));
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    return (this.s.auditLog.all(limit) as Row[]).map(auditEntryFromRow);
  }

  async handoff(id: string): Promise<HandoffRecord | null> {
    const r = this.s.handoff.get(id) as Row | undefined;
    return r ? handoffFromRow(r) : null;
  }

  async openHandoffs(): Promise<HandoffRecord[]> {
    return (this.s.open.all() as Row[]).map(handoffFromRow);
  }

  async recentlyClosed(limit: number): Promise<HandoffRecord[]> {
    return (this.s.closed.all(limit) as Row[]).map(handoffFromRow);
  }

  async claim(id: string, staffId: string, now: number): Promise<boolean> {
    return this.s.claim.run({ id, staffId, now }).changes === 1;
  }

  async release(id: string, staffId: string, anyHolder: boolean, now: number): Promise<boolean> {
    return this.s.release.run({ id, staffId, any: anyHolder ? 1 : 0, now }).changes === 1;
  }

  async transfer(id: string, fromStaffId: string, toStaffId: string, anyHolder: boolean, now: number): Promise<boolean> {
    return this.s.transfer.run({ id, from: fromStaffId, to: toStaffId, any: anyHolder ? 1 : 0, now }).changes === 1;
  }

  async addStaffMessage(h: HandoffRecord, m: OutgoingStaffMessage, now: number): Promise<number> {
    return this.db.transaction(() => {
      const id = this.insertMessage(h.conversationId, m, now);
      if (m.author === 'staff') this.s.firstResponse.run({ id: h.id, now });
      return id;
    })();
  }

  private insertMessage(conversationId: string, m: OutgoingStaffMessage, now: number): number {
    return Number(
      this.s.insertMessage.run({ conversationId, text: m.text, author: m.author, staffId: m.staffId, delivery: m.delivery, now })
        .lastInsertRowid,
    );
  }

  async setDelivery(messageId: number, delivery: Delivery, error: string | null): Promise<void> {
    this.s.setDelivery.run(delivery, error, messageId);
  }

  async convertToCallback(h: HandoffRecord, description: string, now: number): Promise<string> {
    return this.db.transaction(() => {
      if (h.callbackReference) return h.callbackReference;
      const reference = issueReference(this.s.nextSequence, 'T', now);
      this.s.insertCallback.run({
        reference,
        conversationId: h.conversationId,
        channel: h.channel,
        userId: h.userId,
        description,
        handoffId: h.id,
        now,
      });
      this.s.toCallback.run({ id: h.id, reference, now });
      return reference;
    })();
  }

  async endHandoff(e: Parameters<StaffStore['endHandoff']>[0]): Promise<{ messageId: number } | null> {
    return this.db.transaction(() => {
      const changed = this.s.end.run({ id: e.handoff.id, now: e.now, staffId: e.staffId, resolution: e.resolution }).changes;
      if (changed === 0) return null;
      if (e.state) this.s.setState.run(JSON.stringify(e.state), e.now, e.handoff.conversationId);
      return { messageId: this.insertMessage(e.handoff.conversationId, e.message, e.now) };
    })();
  }

  async idleHandoffs(before: number): Promise<HandoffRecord[]> {
    return (this.s.idle.all(before) as Row[]).map(handoffFromRow);
  }

  async messages(conversationId: string): Promise<StoredMessage[]> {
    return (this.s.messages.all(conversationId) as Row[]).map(messageFromRow);
  }

  async message(id: number): Promise<(StoredMessage & { conversationId: string }) | null> {
    const r = this.s.message.get(id) as Row | undefined;
    return r ? { ...messageFromRow(r), conversationId: r.conversation_id } : null;
  }

  async takeForCitizen(channel: Channel, userId: string, after: number) {
    return this.db.transaction(() => {
      const rows = this.s.forCitizen.all(channel, userId, after) as Row[];
      const delivered = new Set<string>();
      for (const r of rows) {
        if (r.delivery !== 'pending') continue;
        this.s.markSent.run(r.id);
        if (r.handoff_id) delivered.add(r.handoff_id as string);
      }
      return {
        messages: rows.map((r) => ({ id: r.id as number, author: r.author as string, text: r.text as string, at: r.created_at as number })),
        delivered: [...delivered],
      };
    })();
  }

  async undelivered(conversationId: string) {
    return (this.s.undelivered.all(conversationId) as Row[]).map((r) => ({
      id: r.id as number,
      text: r.text as string,
      delivery: r.delivery as Delivery,
      handoffId: (r.handoff_id as string | null) ?? null,
    }));
  }

  async notes(handoffId: string): Promise<Note[]> {
    return (this.s.notes.all(handoffId) as Row[]).map((r) => ({ id: r.id, staffName: r.name, text: r.text, at: r.created_at }));
  }

  async addNote(handoffId: string, staffId: string, text: string, now: number): Promise<Note> {
    const id = Number(this.s.addNote.run(handoffId, staffId, text, now).lastInsertRowid);
    const user = await this.findUser(staffId);
    return { id, staffName: user?.name ?? '', text, at: now };
  }

  async cannedReplies(): Promise<CannedReply[]> {
    return this.s.canned.all() as CannedReply[];
  }

  async addCannedReply(title: string, text: string, now: number): Promise<CannedReply> {
    const id = Number(this.s.addCanned.run(title, text, now).lastInsertRowid);
    return { id, title, text };
  }

  async deleteCannedReply(id: number): Promise<boolean> {
    return this.s.deleteCanned.run(id).changes === 1;
  }

  async rating(handoffId: string): Promise<{ level: number; comment: string | null } | null> {
    return (this.s.rating.get(handoffId) as { level: number; comment: string | null } | undefined) ?? null;
  }
}

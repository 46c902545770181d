/**
 * The staff side: accounts, sessions, the audit log and the handoff desk's
 * storage port. Async, like the other ports, so PostgreSQL can replace SQLite.
 */
import type { Channel, ConversationState } from './conversation.js';
import type { HandoffRecord } from './stores.js';

export const ROLES = ['agent', 'maintainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** agent < maintainer < admin: each role can do what the ones before it can. */
export const roleAtLeast = (role: Role, needed: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(needed);

export interface StaffUser {
  id: string;
  name: string;
  role: Role;
}

export interface StaffAccount extends StaffUser {
  passwordHash: string;
  disabled: boolean;
}

/**
 * How long failed logins are remembered: a day without failures (and no
 * pause running) starts the count again, and the expiry purge forgets them.
 */
export const LOGIN_FAILURES_KEPT_MS = 24 * 3600_000;

export interface LoginFailures {
  failures: number;
  pausedUntil: number;
}

export interface AuditEntry {
  id: number;
  at: number;
  staffId: string | null;
  staffName: string | null;
  action: string;
  target: string | null;
  details: unknown;
}

export type Delivery = 'sent' | 'pending' | 'held' | 'failed';

export interface StoredMessage {
  id: number;
  direction: 'in' | 'out';
  author: 'citizen' | 'assistant' | 'staff' | 'system';
  staffId: string | null;
  staffName: string | null;
  text: string;
  maskedText: string | null;
  intent: string | null;
  score: number | null;
  outcome: string | null;
  trace: unknown;
  delivery: Delivery | null;
  deliveryError: string | null;
  createdAt: number;
}

export interface Note {
  id: number;
  staffName: string;
  text: string;
  at: number;
}

export interface CannedReply {
  id: number;
  title: string;
  text: string;
}

/** A message the desk sends to the citizen, written in the same transaction as the change that causes it. */
export interface OutgoingStaffMessage {
  author: 'staff' | 'system';
  staffId: string | null;
  text: string;
  delivery: Delivery;
}

export interface StaffStore {
  // accounts
  createUser(u: { id: string; name: string; role: Role; passwordHash: string; now: number }): Promise<void>;
  findAccountByName(name: string): Promise<StaffAccount | null>;
  findUser(id: string): Promise<StaffUser | null>;
  listUsers(): Promise<Array<StaffUser & { disabled: boolean }>>;
  // failed logins, per name and source address (src/staff/login-throttle.ts holds the rules); kept in
  // the database so every instance of a fleet counts them together and a restart forgets none
  /** The failures counted for this name from this source, and until when they pause it (0: no pause). */
  findLoginFailures(name: string, source: string): Promise<LoginFailures | null>;
  /**
   * Counts one failure, atomically across instances, and returns the new
   * count. A count whose pause has ended and whose last failure was before
   * `resetBefore` starts again at 1.
   */
  countLoginFailure(name: string, source: string, now: number, resetBefore: number): Promise<number>;
  /** Pauses this name from this source until `until` (never shortens a longer pause). */
  pauseLogins(name: string, source: string, until: number): Promise<void>;
  /** Forgets the failures of this name, from one source or from all. */
  clearLoginFailures(name: string, source?: string): Promise<void>;
  /** Names that some source is paused for at `now`. */
  pausedLoginNames(now: number): Promise<string[]>;
  /** Admin changes to an account; disabling ends its sessions, a new password ends them too. */
  updateUser(id: string, change: { disabled?: boolean; passwordHash?: string }): Promise<boolean>;
  // sessions (the token is stored hashed)
  createSession(s: { tokenHash: string; staffId: string; csrfToken: string; now: number; expiresAt: number }): Promise<void>;
  findSession(tokenHash: string, now: number): Promise<{ user: StaffUser; csrfToken: string } | null>;
  deleteSession(tokenHash: string): Promise<void>;
  // audit
  audit(e: { staffId: string | null; action: string; target?: string | null; details?: unknown; now: number }): Promise<void>;
  auditLog(limit: number): Promise<AuditEntry[]>;
  // handoffs
  handoff(id: string): Promise<HandoffRecord | null>;
  openHandoffs(): Promise<HandoffRecord[]>;
  recentlyClosed(limit: number): Promise<HandoffRecord[]>;
  /** Atomic: true for exactly one of several concurrent claims of a queued handoff. */
  claim(id: string, staffId: string, now: number): Promise<boolean>;
  /** Back to the queue; only by the holder unless `anyHolder`. */
  release(id: string, staffId: string, anyHolder: boolean, now: number): Promise<boolean>;
  transfer(id: string, fromStaffId: string, toStaffId: string, anyHolder: boolean, now: number): Promise<boolean>;
  /** A staff message on an open handoff (first response time is recorded). Returns the message id. */
  addStaffMessage(handoff: HandoffRecord, m: OutgoingStaffMessage, now: number): Promise<number>;
  setDelivery(messageId: number, delivery: Delivery, error: string | null): Promise<void>;
  /** The reply could not be delivered in time: the handoff becomes a callback ticket. Returns its reference. */
  convertToCallback(handoff: HandoffRecord, description: string, now: number): Promise<string>;
  /**
   * Ends an open handoff (staff close, or the idle sweep), sets the
   * conversation's next state and writes the message to the citizen, in one
   * transaction. Null if the handoff was no longer open.
   */
  endHandoff(e: {
    handoff: HandoffRecord;
    staffId: string | null;
    resolution: string;
    state: ConversationState | null;
    message: OutgoingStaffMessage;
    now: number;
  }): Promise<{ messageId: number } | null>;
  /** Open handoffs with no message either way since `before`. */
  idleHandoffs(before: number): Promise<HandoffRecord[]>;
  messages(conversationId: string): Promise<StoredMessage[]>;
  message(id: number): Promise<(StoredMessage & { conversationId: string }) | null>;
  /**
   * Staff and system messages for a web citizen after `after`; pending ones
   * are marked sent, and `delivered` names the handoffs they belong to.
   */
  takeForCitizen(
    channel: Channel,
    userId: string,
    after: number,
  ): Promise<{ messages: Array<{ id: number; author: string; text: string; at: number }>; delivered: string[] }>;
  /** Messages to the citizen a channel has not taken (held or failed), oldest first, with their handoff. */
  undelivered(conversationId: string): Promise<Array<{ id: number; text: string; delivery: Delivery; handoffId: string | null }>>;
  notes(handoffId: string): Promise<Note[]>;
  addNote(handoffId: string, staffId: string, text: string, now: number): Promise<Note>;
  cannedReplies(): Promise<CannedReply[]>;
  addCannedReply(title: string, text: string, now: number): Promise<CannedReply>;
  deleteCannedReply(id: number): Promise<boolean>;
  rating(handoffId: string): Promise<{ level: number; comment: string | null } | null>;
}

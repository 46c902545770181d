/**
 * Storage ports. Async so that a PostgreSQL implementation can replace the
 * SQLite one without touching the core; the SQLite adapter resolves at once.
 */
import type { Action, ActionResult, Channel, Conversation, ConversationState, Priority, TicketKind } from './conversation.js';

export interface MessageLog {
  direction: 'in' | 'out';
  text: string;
  intent: string | null;
  score: number | null;
  modelVersion: string | null;
  /** Default: citizen for 'in', assistant for 'out'. */
  author?: 'citizen' | 'assistant' | 'staff' | 'system';
  /** What the assistant did with an incoming message (answer, fallback, escalation …). */
  outcome?: string | null;
  /** What understanding saw: alternatives, entities, slots (JSON-able). */
  trace?: unknown;
  /** The text with personal data masked, for review and analytics. */
  maskedText?: string | null;
}

export interface TurnCommit<T> {
  conversation: Conversation;
  actions: Action[];
  incoming: MessageLog;
  now: number;
  /** A channel delivery to record with the turn; fails the turn if already recorded. */
  deliveryKey?: string;
  /**
   * Pure: what the actions did → the conversation's final state and the
   * replies. Runs inside the transaction, so the turn — actions, state,
   * messages and the remembered reply — commits as one.
   */
  finish(results: ActionResult[]): { state: ConversationState; outgoing: MessageLog[]; deliveryReply?: string; value: T };
}

export class DuplicateDeliveryError extends Error {
  constructor(readonly key: string) {
    super(`delivery ${key} was already processed`);
    this.name = 'DuplicateDeliveryError';
  }
}

export interface ConversationStore {
  find(channel: Channel, userId: string): Promise<Conversation | null>;
  /** Performs the actions and saves the state, messages and delivery in one transaction. */
  commitTurn<T>(turn: TurnCommit<T>): Promise<T>;
  /**
   * A delivery already processed: its reply (null if the turn committed but
   * the reply was not recorded), and whether that reply already went out
   * through another path (the customer-service API, after the deadline).
   */
  findDelivery(key: string): Promise<{ reply: string | null; answeredLate: boolean } | null>;
  /** Records that a delivery's reply went out through another path than the channel's reply. */
  markAnsweredLate(key: string): Promise<void>;
  /**
   * Forgets a citizen (WeChat unsubscribe, or a deletion request): their
   * conversation and messages are deleted; appointments and tickets, which
   * are the government's records, lose the link to the person and the phone.
   */
  forgetUser(channel: Channel, userId: string): Promise<{ conversations: number; messages: number; anonymised: number }>;
  /** Whether the store can take a write now (for /readyz). */
  writable(): Promise<boolean>;
}

/** A cached credential for an outbound API (WeChat access_token). */
export interface TokenCache {
  get(name: string): Promise<{ token: string; expiresAt: number } | null>;
  put(name: string, token: string, expiresAt: number): Promise<void>;
  drop(name: string): Promise<void>;
}

export interface AppointmentRecord {
  reference: string;
  channel: Channel;
  userId: string;
  service: string;
  district: string;
  date: string;
  period: 'am' | 'pm';
  status: 'booked' | 'cancelled';
  createdAt: number;
}

export interface TicketRecord {
  reference: string;
  kind: TicketKind;
  channel: Channel;
  userId: string;
  description: string;
  location: string | null;
  phone: string | null;
  status: 'open' | 'in_progress' | 'resolved' | 'closed';
  priority: Priority;
  createdAt: number;
}

export interface HandoffRecord {
  id: string;
  conversationId: string;
  channel: Channel;
  userId: string;
  reason: string;
  priority: 'urgent' | 'high' | 'normal';
  summary: string;
  status: 'queued' | 'claimed' | 'closed' | 'callback';
  claimedBy: string | null;
  claimedAt: number | null;
  firstResponseAt: number | null;
  lastCitizenAt: number;
  lastActivityAt: number;
  closedAt: number | null;
  resolution: string | null;
  callbackReference: string | null;
  createdAt: number;
}

export interface RatingRecord {
  handoffId: string;
  conversationId: string;
  level: 1 | 2 | 3 | 4 | 5;
  comment: string | null;
  followUpReference: string | null;
  createdAt: number;
}

/** Read side used by tests, the console and reports. */
export interface RecordsQuery {
  appointments(): Promise<AppointmentRecord[]>;
  tickets(): Promise<TicketRecord[]>;
  handoffs(): Promise<HandoffRecord[]>;
  ratings(): Promise<RatingRecord[]>;
  /** Handoffs waiting for a person: how many, and when the oldest was queued (epoch ms). */
  handoffQueue(): Promise<{ length: number; oldestCreatedAt: number | null }>;
}

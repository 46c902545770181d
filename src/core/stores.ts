/**
 * Storage ports. Async so that a PostgreSQL implementation can replace the
 * SQLite one without touching the core; the SQLite adapter resolves at once.
 */
import type { Action, ActionResult, Channel, Conversation } from './conversation.js';

export interface MessageLog {
  direction: 'in' | 'out';
  text: string;
  intent: string | null;
  score: number | null;
  modelVersion: string | null;
}

export interface TurnCommit {
  conversation: Conversation;
  actions: Action[];
  messages: MessageLog[];
  now: number;
}

export interface ConversationStore {
  find(channel: Channel, userId: string): Promise<Conversation | null>;
  /** Performs the actions and saves the state and messages in one transaction. */
  commitTurn(turn: TurnCommit): Promise<ActionResult[]>;
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
  kind: 'complaint' | 'suggestion';
  channel: Channel;
  userId: string;
  description: string;
  location: string | null;
  phone: string | null;
  status: 'open' | 'in_progress' | 'resolved' | 'closed';
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
  status: 'queued' | 'claimed' | 'closed';
  createdAt: number;
}

/** Read side used by tests, the console and reports. */
export interface RecordsQuery {
  appointments(): Promise<AppointmentRecord[]>;
  tickets(): Promise<TicketRecord[]>;
  handoffs(): Promise<HandoffRecord[]>;
}

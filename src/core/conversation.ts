/** Conversation state and the actions a dialogue turn asks the world to perform. */

export type Channel = 'web' | 'wechat-oa' | 'wechaty';

export type SlotValue = string;

export interface FormState {
  /** The intent whose form is being filled (appointment, complaint …). */
  intent: string;
  slots: Record<string, SlotValue>;
  /** The slot last asked for, if any. */
  pending: string | null;
  /** Failed attempts per slot. */
  attempts: Record<string, number>;
  /** Reading the values back and waiting for yes/no. */
  confirming: boolean;
}

export type ConversationStatus = 'idle' | 'form' | 'handoff';

export interface ConversationState {
  status: ConversationStatus;
  form: FormState | null;
  /** Consecutive turns the assistant did not understand. */
  misunderstood: number;
  /** A person was offered and the citizen has not answered yet. */
  humanOffered: boolean;
  lastIntent: string | null;
  /** The reference of the last appointment or ticket created, for "我的预约号是多少". */
  lastReference: string | null;
}

export interface Conversation {
  id: string;
  channel: Channel;
  userId: string;
  state: ConversationState;
  /** Epoch milliseconds of the last change. */
  updatedAt: number;
}

export const initialState = (): ConversationState => ({
  status: 'idle',
  form: null,
  misunderstood: 0,
  humanOffered: false,
  lastIntent: null,
  lastReference: null,
});

export type Priority = 'urgent' | 'high' | 'normal';

export type Action =
  | { type: 'create_appointment'; service: string; district: string; date: string; period: 'am' | 'pm' }
  | { type: 'cancel_appointment'; reference: string }
  | { type: 'create_ticket'; kind: 'complaint' | 'suggestion'; description: string; location: string | null; phone: string | null }
  | { type: 'lookup_reference'; reference: string }
  | { type: 'request_handoff'; reason: string; priority: Priority; summary: string };

export type ActionResult =
  | { type: 'appointment_created'; reference: string }
  | { type: 'appointment_cancelled'; reference: string; found: boolean; alreadyCancelled: boolean }
  | { type: 'ticket_created'; reference: string; kind: 'complaint' | 'suggestion' }
  | { type: 'reference_found'; reference: string; kind: 'appointment' | 'ticket'; status: string; details: Record<string, string | null> }
  | { type: 'reference_missing'; reference: string }
  | { type: 'handoff_requested'; id: string; reason: string; priority: Priority; queuePosition: number };

export interface Reply {
  type: 'text';
  text: string;
  /** Suggested next questions (shown as buttons where the channel can). */
  suggestions?: string[];
}

export interface DialogueEvent {
  type: 'appointment.created' | 'appointment.cancelled' | 'ticket.created' | 'handoff.requested' | 'form.expired';
  id: string;
}

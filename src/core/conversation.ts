/** Conversation state and the actions a dialogue turn asks the world to perform. */
import type { Aspect } from './aspects.js';

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

/** rating: a person closed the conversation and the citizen is asked for a 好差评 rating. */
export type ConversationStatus = 'idle' | 'form' | 'handoff' | 'rating';

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
  /** The open handoff while status is handoff. (Optional: states saved before handoffs had ids lack it.) */
  handoffId?: string | null;
  /** The closed handoff awaiting the citizen's rating while status is rating. */
  ratingFor?: string | null;
  /** The last message's normalised text and how many times in a row it came, for repeated questions. */
  lastText?: string | null;
  repeats?: number;
  /** Phone-digit answers given per ticket number in this conversation (proving a ticket filed elsewhere is theirs). */
  proofAttempts?: Record<string, number>;
  /** The matter the conversation is about, for follow-ups that name none ("要带什么材料"). */
  topic?: TopicMemory | null;
  /**
   * A request made while a form was open, named for afterwards (投诉 asked
   * for during a booking): recalled when the form ends; a yes then begins it.
   */
  later?: { intent: string; name: string; reminded: boolean } | null;
}

/**
 * What the conversation remembers it is about: a service intent after an
 * answer about it, or the appointment or ticket just made. Kept with the
 * state, so it expires with the conversation.
 */
export interface TopicMemory {
  intent: string;
  /** Epoch milliseconds it was last used. */
  at: number;
  /** The aspect last asked about it. */
  aspect?: Aspect | null;
  /** After a booking or a ticket: its number, and for a booking the service and district. */
  reference?: string;
  service?: string;
  district?: string;
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

/** How soon a person must look: the handoff queue and the ticket list put urgent first, then high, then normal. */
export const PRIORITIES = ['urgent', 'high', 'normal'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type Action =
  | { type: 'create_appointment'; service: string; district: string; date: string; period: 'am' | 'pm' }
  | { type: 'cancel_appointment'; reference: string }
  | {
      type: 'create_ticket';
      kind: TicketKind;
      description: string;
      location: string | null;
      phone: string | null;
      /** Where the ticket stands in the staff's list; normal when not said. */
      priority?: Priority;
    }
  | { type: 'lookup_reference'; reference: string }
  /** A ticket filed in another session: the last 4 digits of the phone given on it prove it is the citizen's. */
  | { type: 'verify_reference'; reference: string; phoneTail: string }
  | { type: 'request_handoff'; reason: string; priority: Priority; summary: string }
  /** A citizen message during a handoff: recorded for the staff, with the queue position returned. */
  | { type: 'forward_to_staff'; handoffId: string }
  /** The citizen said 取消 during a handoff: back to the assistant. */
  | { type: 'leave_handoff'; handoffId: string }
  | { type: 'record_rating'; handoffId: string; level: RatingLevel; comment: string | null };

export type TicketKind = 'complaint' | 'suggestion' | 'callback' | 'follow_up';

/** 好差评: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意. */
export type RatingLevel = 1 | 2 | 3 | 4 | 5;

export type ActionResult =
  | { type: 'appointment_created'; reference: string }
  | { type: 'appointment_cancelled'; reference: string; found: boolean; alreadyCancelled: boolean }
  | { type: 'ticket_created'; reference: string; kind: TicketKind }
  | { type: 'reference_found'; reference: string; kind: 'appointment' | 'ticket'; status: string; details: Record<string, string | null> }
  | { type: 'reference_missing'; reference: string }
  /** Not this citizen's in this conversation's records: whether it exists is not said until they prove it is theirs. */
  | { type: 'reference_proof_needed'; reference: string }
  /** Wrong digits, or no such ticket (they read the same). locked: this answer used up the number's tries from all sessions (reference-proof.ts). */
  | { type: 'reference_unverified'; reference: string; locked: boolean }
  /** Too many wrong answers for this number from all sessions lately: refused without looking at the ticket or the digits. */
  | { type: 'reference_proof_locked'; reference: string }
  | { type: 'handoff_requested'; id: string; reason: string; priority: Priority; queuePosition: number; expectedWaitMinutes: number }
  | { type: 'forwarded'; handoffId: string; open: boolean; claimed: boolean; queuePosition: number; expectedWaitMinutes: number }
  | { type: 'handoff_left'; handoffId: string }
  | { type: 'rating_recorded'; handoffId: string; level: RatingLevel; followUpReference: string | null; duplicate: boolean };

export interface Reply {
  type: 'text';
  text: string;
  /** Suggested next questions (shown as buttons where the channel can). */
  suggestions?: string[];
}

export interface DialogueEvent {
  type:
    | 'appointment.created'
    | 'appointment.cancelled'
    | 'ticket.created'
    | 'handoff.requested'
    | 'handoff.message'
    | 'handoff.left'
    | 'handoff.rated'
    | 'form.expired'
    /** Wrong phone digits for a ticket number (logged: repeated failures look like guessing). */
    | 'reference.proof_failed'
    /** That wrong answer used up the ticket number's tries from all sessions: it takes none for a while (logged as a warning). */
    | 'reference.proof_locked';
  id: string;
}

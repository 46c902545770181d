/**
 * What every part of the dialogue step shares: the step's result type, the
 * reply and result builders, and the conversation moves that are never a
 * matter of their own. The step is split along what it decides (engine.ts:
 * routing a turn; forms.ts: slot-filling; escalation.ts: people and
 * callbacks; appointment-cancel.ts: cancelling a booking); each part is a
 * StepKit over the same behaviour.
 */
import type { Action, ConversationState, DialogueEvent, Reply } from '../core/conversation.js';
import type { Behaviour, IntentDef } from './definitions.js';
import type { TopicUse } from './follow-up.js';
import { render } from './slots.js';

/** Intents that are conversation moves, never a question to answer in passing. */
export const CHAT = new Set(['affirm', 'deny', 'cancel', 'greeting', 'thanks', 'goodbye', 'bot_help']);
/** The form that collects a phone number for a callback out of office hours. */
export const CALLBACK = 'callback';

/** What to say once an action has run. */
export type AfterAction =
  | { kind: 'done'; template: string; vars: Record<string, string> }
  | { kind: 'lookup' }
  | { kind: 'verify'; reference: string }
  | { kind: 'cancel_appointment' }
  /** Ask "确认取消…吗？" only if the lookup found the citizen's own booked appointment. */
  | { kind: 'confirm_cancel'; reference: string }
  | { kind: 'handoff' }
  | { kind: 'forwarded' }
  | { kind: 'left' }
  | { kind: 'rated' };

export interface StepResult {
  state: ConversationState;
  replies: Reply[];
  actions: Action[];
  after: AfterAction[];
  events: DialogueEvent[];
  /** What the assistant did, for the message log and analytics. */
  outcome:
    | 'answer'
    | 'slot_prompt'
    | 'confirm'
    | 'action'
    | 'fallback'
    | 'escalation'
    | 'callback'
    | 'cancelled'
    | 'handoff_forwarded'
    | 'rated';
  /** Said last, after the replies that depend on the actions (a request left for afterwards, recalled). */
  closing?: Reply[];
  /** The topic and aspect the turn was read with (follow-ups, issue 14); set by step. */
  topic?: TopicUse;
}

export const text = (t: string, suggestions?: string[]): Reply =>
  suggestions?.length ? { type: 'text', text: t, suggestions } : { type: 'text', text: t };

/** The behaviour and the small builders each part of the step uses. */
export class StepKit {
  constructor(protected readonly b: Behaviour) {}

  protected msg(key: string, vars: Record<string, string> = {}): string {
    return render(this.b.dialogue.messages[key] ?? key, vars);
  }

  protected intent(id: string): IntentDef | undefined {
    return this.b.intents.get(id);
  }

  protected result(state: ConversationState, replies: Reply[], outcome: StepResult['outcome']): StepResult {
    return { state, replies, actions: [], after: [], events: [], outcome };
  }
}

/**
 * Escalation: handing a conversation to a person (with its reason and
 * priority), what happens while one has it (forwarding, leaving, the
 * rating after), the escalations the words themselves raise (abuse, anger,
 * the same question again), and out of office hours the callback request
 * or, for an emergency, the urgent ticket instead.
 */
import type { ConversationState, FormState, Reply } from '../core/conversation.js';
import { reasonLabel } from '../core/handoffs.js';
import type { Parse } from '../core/parse.js';
import type { Behaviour } from './definitions.js';
import { pendingSlot } from './follow-up.js';
import { isCancel, isExplicitCancel, readRating } from './intents-text.js';
import { ALWAYS_OPEN, type OfficeHours } from './office-hours.js';
import { CALLBACK, StepKit, type StepResult, text } from './step-kit.js';

// Declared here, where both options are read, so this file need not import
// engine.ts (which imports it); engine.ts re-exports it unchanged.
export interface EngineOptions {
  /** When people are at the desk; outside, escalations become callback requests. Default: always. */
  officeHours?: OfficeHours;
  /** Staff take urgent handoffs (emergencies) around the clock, office hours or not. */
  emergencyDesk24h?: boolean;
}

export class Escalation extends StepKit {
  private readonly abuse: RegExp[];
  private readonly anger: RegExp[];
  private readonly hours: OfficeHours;
  private readonly emergencyDesk24h: boolean;

  constructor(b: Behaviour, options: EngineOptions = {}) {
    super(b);
    this.abuse = b.dialogue.escalation.abuse_patterns.map((p) => new RegExp(p, 'u'));
    this.anger = b.dialogue.escalation.anger_patterns.map((p) => new RegExp(p, 'u'));
    this.hours = options.officeHours ?? ALWAYS_OPEN;
    this.emergencyDesk24h = options.emergencyDesk24h ?? false;
  }

  /** While a person has the conversation the assistant only forwards; 取消 / 不用了 brings it back. */
  duringHandoff(state: ConversationState, parse: Parse): StepResult {
    const handoffId = state.handoffId ?? '';
    if (isExplicitCancel(parse)) {
      return {
        ...this.result({ ...state, status: 'idle', humanOffered: false, handoffId: null }, [], 'cancelled'),
        actions: [{ type: 'leave_handoff', handoffId }],
        after: [{ kind: 'left' }],
      };
    }
    return {
      ...this.result(state, [], 'handoff_forwarded'),
      actions: [{ type: 'forward_to_staff', handoffId }],
      after: [{ kind: 'forwarded' }],
    };
  }

  rating(state: ConversationState, parse: Parse): StepResult | null {
    const rating = readRating(parse);
    if (!rating || !state.ratingFor) return null;
    return {
      ...this.result({ ...state, status: 'idle', ratingFor: null }, [], 'rated'),
      actions: [{ type: 'record_rating', handoffId: state.ratingFor, level: rating.level, comment: rating.comment }],
      after: [{ kind: 'rated' }],
    };
  }

  /** Escalations read from the words themselves: abuse, anger, the same question again and again. */
  trigger(state: ConversationState, parse: Parse, now: Date): StepResult | null {
    const t = parse.normalised;
    const formDef = state.form ? this.intent(state.form.intent)?.form : undefined;
    const typingFreeText = state.form && formDef ? pendingSlot(state.form, formDef)?.type === 'text' : false;
    if (this.abuse.some((re) => re.test(t)) || (!typingFreeText && this.anger.some((re) => re.test(t)))) {
      return this.handoff(state, [text(this.msg('handoff_anger'))], 'anger', 'high', parse, now);
    }
    if (!state.form && (state.repeats ?? 1) >= this.b.dialogue.escalation.repeated_question_before_handoff) {
      return this.handoff(state, [text(this.msg('handoff_repeated'))], 'repeated_question', 'normal', parse, now);
    }
    return null;
  }

  handoff(
    state: ConversationState,
    replies: Reply[],
    reason: string,
    priority: 'urgent' | 'high' | 'normal',
    parse: Parse,
    now: Date,
  ): StepResult {
    const summary = parse.text.slice(0, 200);
    const staffed = this.hours.isOpen(now) || (priority === 'urgent' && this.emergencyDesk24h);
    if (!staffed && priority === 'urgent') return this.urgentAfterHours(state, replies, reason, summary, parse, now);
    if (!staffed) return this.offerCallback(state, replies, reason, priority, summary, parse, now);
    return {
      state: { ...state, status: 'handoff', form: null, humanOffered: false, misunderstood: 0, lastIntent: parse.intent },
      replies,
      actions: [{ type: 'request_handoff', reason, priority, summary }],
      after: [{ kind: 'handoff' }],
      events: [],
      outcome: 'escalation',
    };
  }

  /**
   * An emergency with nobody at the desk: a callback form would tell someone
   * whose kitchen is on fire to type a phone number and wait for morning.
   * The emergency numbers (already said first) are the help; the citizen is
   * told plainly that nobody is online, and an urgent ticket is filed for
   * the first staff on duty without asking for anything more: its priority,
   * not only its text, puts it at the top of the staff's ticket list.
   */
  private urgentAfterHours(
    state: ConversationState,
    replies: Reply[],
    reason: string,
    summary: string,
    parse: Parse,
    now: Date,
  ): StepResult {
    const phone = parse.entities.find((e) => e.type === 'phone' && e.kind !== 'hotline')?.value ?? null;
    return {
      state: { ...state, status: 'idle', form: null, humanOffered: false, misunderstood: 0, lastIntent: parse.intent },
      replies,
      actions: [
        {
          type: 'create_ticket',
          kind: 'callback',
          description: `【紧急·非工作时间·${reasonLabel(reason)}】${summary}`,
          location: null,
          phone,
          priority: 'urgent',
        },
      ],
      after: [
        {
          kind: 'done',
          template: this.msg('urgent_after_hours'),
          vars: { hours: this.hours.describe(), next: this.hours.nextOpening(now) },
        },
      ],
      events: [],
      outcome: 'escalation',
    };
  }

  /**
   * Out of office hours: nobody would answer a queue entry until morning, so
   * the dialogue collects a phone number and files a callback ticket.
   */
  private offerCallback(
    state: ConversationState,
    replies: Reply[],
    reason: string,
    priority: 'urgent' | 'high' | 'normal',
    summary: string,
    parse: Parse,
    now: Date,
  ): StepResult {
    const form: FormState = {
      intent: CALLBACK,
      slots: { reason, priority, summary, next: this.hours.nextOpening(now) },
      pending: 'phone',
      attempts: {},
      confirming: false,
    };
    const base: ConversationState = { ...state, status: 'form', form, humanOffered: false, misunderstood: 0, lastIntent: parse.intent };
    const phone = parse.entities.find((e) => e.type === 'phone' && e.kind !== 'hotline');
    if (phone) return this.fileCallback(base, form, phone.value, replies);
    const offer = text(this.msg('callback_offer', { hours: this.hours.describe(), next: form.slots.next as string }));
    return { ...this.result(base, [...replies, offer], 'callback') };
  }

  continueCallback(state: ConversationState, form: FormState, parse: Parse): StepResult {
    const phone = parse.entities.find((e) => e.type === 'phone' && e.kind !== 'hotline');
    if (phone) return this.fileCallback(state, form, phone.value, []);
    if (isCancel(parse)) return this.result({ ...state, status: 'idle', form: null }, [text(this.msg('callback_cancelled'))], 'cancelled');
    const attempts = (form.attempts.phone ?? 0) + 1;
    if (attempts >= 3) return this.result({ ...state, status: 'idle', form: null }, [text(this.msg('callback_cancelled'))], 'cancelled');
    return this.result(
      { ...state, form: { ...form, attempts: { phone: attempts } } },
      [text(this.msg('callback_reprompt'))],
      'slot_prompt',
    );
  }

  private fileCallback(state: ConversationState, form: FormState, phone: string, replies: Reply[]): StepResult {
    const s = form.slots;
    return {
      state: { ...state, status: 'idle', form: null },
      replies,
      actions: [
        {
          type: 'create_ticket',
          kind: 'callback',
          description: `【回电·${reasonLabel(s.reason ?? '')}${s.priority === 'urgent' ? '·紧急' : ''}】${s.summary}`,
          location: null,
          phone,
          // The callback keeps the place the handoff would have had in the queue (anger: high).
          priority: s.priority === 'urgent' || s.priority === 'high' ? s.priority : 'normal',
        },
      ],
      after: [{ kind: 'done', template: this.msg('callback_done'), vars: { next: s.next as string, phone } }],
      events: [],
      outcome: 'callback',
    };
  }
}

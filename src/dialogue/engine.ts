/**
 * The dialogue step: (state, parse, now) → (new state, replies, actions).
 * Pure — no I/O, no clock, no randomness — so conversations are testable as
 * transcripts. The caller performs the actions (in one transaction with the
 * new state) and hands their results to `complete`, which renders the
 * replies that depend on them (a new appointment's number, a ticket's status).
 */
import {
  type Action,
  type ActionResult,
  type ConversationState,
  type DialogueEvent,
  type FormState,
  initialState,
  type Reply,
} from '../core/conversation.js';
import { reasonLabel } from '../core/handoffs.js';
import { OUT_OF_SCOPE, type Parse } from '../core/parse.js';
import { answerFrom, hallDayNote } from './answers.js';
import type { Behaviour, FormDef, IntentDef, SlotDef } from './definitions.js';
import { type FollowUpMove, liveTopic, pendingSlot, resolveFollowUp, type TopicUse } from './follow-up.js';
import {
  isAffirm,
  isAppointmentCancel,
  isBareNumber,
  isCancel,
  isCancelWords,
  isComplaintRequest,
  isDeny,
  isExplicitCancel,
  isGoodbyeNumber,
  isHotlineNumber,
  isOnlyWhen,
  isQuestion,
  isReferenceQuestion,
  readRating,
  stopsThenGoesOn,
} from './intents-text.js';
import { ALWAYS_OPEN, type OfficeHours } from './office-hours.js';
import { attemptsLeft, PROOF_FORM, readPhoneTail } from './reference-proof.js';
import { completeTurn } from './results.js';
import { displaySlot, findGarbageItem, NO_PHONE, readSlot, render } from './slots.js';
import { messageTopicUse, nextTopic } from './topic-memory.js';

/** Intents that are conversation moves, never a question to answer in passing. */
const CHAT = new Set(['affirm', 'deny', 'cancel', 'greeting', 'thanks', 'goodbye', 'bot_help']);
/** The form that collects a phone number for a callback out of office hours. */
const CALLBACK = 'callback';
/** At this share of None the model's reading wins over danger words: a question about a word, not a danger. */
const SURELY_NOT_A_REQUEST = 0.9;
/** Characters up to which a message that reads as a consultation's case (租房, 买房了) is its answer. */
const CASE_ANSWER = 8;
/** Below this share an emergency inside a form is read as the form's content. */
const CLEAR_EMERGENCY = 0.7;

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
  /** The topic and aspect the turn was read with (follow-ups, issue 14); set by step. */
  topic?: TopicUse;
}

const text = (t: string, suggestions?: string[]): Reply =>
  suggestions?.length ? { type: 'text', text: t, suggestions } : { type: 'text', text: t };

export interface EngineOptions {
  /** When people are at the desk; outside, escalations become callback requests. Default: always. */
  officeHours?: OfficeHours;
  /** Staff take urgent handoffs (emergencies) around the clock, office hours or not. */
  emergencyDesk24h?: boolean;
}

/** Reason codes of escalations the engine raises itself (intents add their own in intents/*.yaml). */
export const ENGINE_REASONS = ['misunderstood', 'slot_failed', 'anger', 'repeated_question', 'staff_only'] as const;

/**
 * The second request once the words decided the first: the model's own
 * reading, when the words took the second's place (我想投诉…，另外帮我预约…).
 */
function alsoBesides(parse: Parse, byWords: string): Parse['also'] {
  if (parse.also?.intent !== byWords) return parse.also;
  return parse.intent !== OUT_OF_SCOPE && parse.intent !== byWords ? { intent: parse.intent, score: parse.score, text: '' } : undefined;
}

export class DialogueEngine {
  private readonly abuse: RegExp[];
  private readonly anger: RegExp[];
  private readonly danger: RegExp[];
  private readonly hours: OfficeHours;
  private readonly emergencyDesk24h: boolean;

  constructor(
    private readonly b: Behaviour,
    options: EngineOptions = {},
  ) {
    this.abuse = b.dialogue.escalation.abuse_patterns.map((p) => new RegExp(p, 'u'));
    this.anger = b.dialogue.escalation.anger_patterns.map((p) => new RegExp(p, 'u'));
    this.danger = b.dialogue.escalation.danger_patterns.map((p) => new RegExp(p, 'u'));
    this.hours = options.officeHours ?? ALWAYS_OPEN;
    this.emergencyDesk24h = options.emergencyDesk24h ?? false;
  }

  private msg(key: string, vars: Record<string, string> = {}): string {
    return render(this.b.dialogue.messages[key] ?? key, vars);
  }

  private intent(id: string): IntentDef | undefined {
    return this.b.intents.get(id);
  }

  /** Decides the next step. `idleMs` is the time since the conversation last changed (null for a new one). */
  step(prior: ConversationState, parse: Parse, now: Date, idleMs: number | null): StepResult {
    let state: ConversationState = structuredClone(prior);
    const prefix: Reply[] = [];
    const events: StepResult['events'] = [];
    const expired = idleMs !== null && idleMs > this.b.dialogue.expiry_minutes * 60_000;
    if (expired && state.status !== 'handoff') {
      if (state.form) {
        const name = this.intent(state.form.intent)?.form?.name ?? '事项';
        prefix.push(text(this.msg('form_expired', { form: name, minutes: String(this.b.dialogue.expiry_minutes) })));
        events.push({ type: 'form.expired', id: state.form.intent });
      }
      // The ticket-proof count outlives the idle expiry, or waiting 30 minutes would buy 3 more guesses.
      state = { ...initialState(), lastReference: state.lastReference, proofAttempts: state.proofAttempts };
    }
    // Repeated questions: the same words again and again mean the answers are not helping.
    const repeats = parse.normalised === state.lastText && !CHAT.has(parse.intent) ? (state.repeats ?? 1) + 1 : 1;
    const byWords = this.intentByWords(state, parse);
    // The model's parse is what the trace keeps; the engine goes by the words (certain, hence score 1).
    const read = byWords
      ? { ...parse, intent: byWords, topIntent: byWords, score: 1, topics: [byWords], also: alsoBesides(parse, byWords) }
      : parse;
    const r = this.decide({ ...state, repeats }, read, now);
    const use =
      r.topic ??
      (byWords
        ? { topic: byWords, aspect: null, via: 'words' as const }
        : this.formAnswer(state, parse, now)
          ? { topic: state.form?.intent ?? null, aspect: null, via: 'message' as const }
          : messageTopicUse(this.b, parse, r.state, r.outcome));
    const topic = nextTopic(this.b, liveTopic(this.b, state, now), read, r, use, now);
    return {
      ...r,
      topic: use,
      state: { ...r.state, lastText: parse.normalised, repeats, topic },
      replies: [...prefix, ...r.replies],
      events: [...events, ...r.events],
    };
  }

  /**
   * Whether the message answers the form's pending question with a value
   * (租房 for the 公积金 purpose): then the turn is about the form's matter,
   * not about what the model reads the word as (租房 → 公租房, whose answers
   * the next 要带什么材料 got). Free-text slots take anything, so not those.
   */
  private formAnswer(state: ConversationState, parse: Parse, now: Date): boolean {
    const form = state.form;
    const formDef = form ? this.intent(form.intent)?.form : undefined;
    const slot = form && formDef ? pendingSlot(form, formDef) : undefined;
    // Only a short answer to a consultation's case question, no question of its own: a date or a
    // district inside a new question (那积分落户呢，浦东能办吗) is a switch, not the form's answer.
    if (!formDef?.answer_from || slot?.type !== 'choice' || isQuestion(parse) || [...parse.normalised].length > CASE_ANSWER) return false;
    return readSlot(slot, parse, now, this.b, { asked: true }).ok;
  }

  /**
   * An intent the message's words decide whatever the model read: immediate
   * danger (血止不住, 着火了) is an emergency everywhere — a bleeding child
   * after a vaccination question must not get its proxy answer — and 我要投诉
   * outside a form files a complaint (停电第三次了，我要投诉供电公司 read
   * 0.81 utilities).
   */
  private intentByWords(state: ConversationState, parse: Parse): string | null {
    // Unless the model is sure the message is no request at all: 火灾的英文缩写是什么, 救命这个瓜也太大了吧 (0.95–1.00 None).
    const chat = parse.intent === OUT_OF_SCOPE && parse.score >= SURELY_NOT_A_REQUEST;
    if (!chat && this.danger.some((re) => re.test(parse.normalised)) && this.intent('emergency')) {
      return parse.intent === 'emergency' ? null : 'emergency';
    }
    const complaint = this.intent('complaint');
    if (!state.form && state.status !== 'handoff' && complaint?.form && isComplaintRequest(parse)) {
      return ['complaint', 'suggestion', 'progress_query'].includes(parse.intent) || isReferenceQuestion(parse) ? null : 'complaint';
    }
    return null;
  }

  private decide(state: ConversationState, parse: Parse, now: Date): StepResult {
    if (state.status === 'handoff') return this.duringHandoff(state, parse);
    if (state.status === 'rating') {
      const rated = this.rating(state, parse);
      if (rated) return rated;
      // Not a rating: the citizen moved on; so does the assistant.
      state = { ...state, status: 'idle', ratingFor: null };
    }
    const def = this.intent(parse.intent);
    const trigger = this.trigger(state, parse, now);
    if (trigger) return trigger;
    // Escalating intents (emergency, a request for a person) win everywhere,
    // forms included — except an emergency the model is unsure of while a
    // form is open: "楼道堆物好几个月没人管" during a complaint is its
    // content (the form is evidence), so it goes on with a safety line.
    const unsureEmergency = parse.intent === 'emergency' && state.form !== null && parse.score < CLEAR_EMERGENCY;
    if (def?.escalate && !unsureEmergency) {
      const replies = parse.intent === 'human_agent' ? [] : [text(def.answer)];
      return this.handoff(state, replies, def.escalate.reason, def.escalate.priority, parse, now);
    }
    if (def?.staff_only && !state.form) return this.handoff(state, [text(def.answer)], 'staff_only', 'normal', parse, now);
    if (unsureEmergency && state.form) {
      const r = this.continueForm(state, state.form, parse, now);
      return { ...r, replies: [text('如遇紧急危险，请立即拨打 110 / 119 / 120。'), ...r.replies] };
    }
    if (state.humanOffered && isAffirm(parse)) {
      return this.handoff(state, [], state.form ? 'slot_failed' : 'misunderstood', 'normal', parse, now);
    }
    // 算了，不投诉了，我想问下社保怎么交: the form ends, as 算了 alone ends it, and the
    // rest is a new matter. Resuming the form after it would ask again what
    // the citizen has just said they no longer want.
    if (state.form && stopsThenGoesOn(parse) && def && !CHAT.has(def.id)) {
      const name = this.intent(state.form.intent)?.form?.name ?? '事项';
      const r = this.decide({ ...state, status: 'idle', form: null, humanOffered: false }, parse, now);
      return { ...r, replies: [text(this.msg('form_dropped', { form: name })), ...r.replies] };
    }
    const followUp = resolveFollowUp(this.b, state, parse, now);
    if (followUp) return this.followUp(state, followUp);
    if (state.form) return this.continueForm(state, state.form, parse, now);
    return this.route(state, parse, now);
  }

  /** A follow-up question's reply (see follow-up.ts for when a message is one). */
  private followUp(state: ConversationState, move: FollowUpMove): StepResult {
    const topic = move.use;
    const settled: ConversationState = { ...state, humanOffered: false, misunderstood: 0, lastIntent: topic.topic };
    if (move.kind === 'book') {
      const def = this.intent('appointment') as IntentDef;
      const form: FormState = { intent: def.id, slots: { service: move.service }, pending: null, attempts: {}, confirming: false };
      return { ...this.advance({ ...settled, status: 'form', form }, def, def.form as FormDef), topic };
    }
    if (move.kind === 'ask') return { ...this.result(state, [text(move.text)], 'fallback'), topic };
    if (move.kind === 'resume' && state.form) {
      const form = state.form;
      const formDef = this.intent(form.intent)?.form as FormDef;
      const prompt = form.confirming ? this.confirmText(form, formDef) : (pendingSlot(form, formDef)?.prompt ?? '');
      const back = text(this.msg('resume_after_digression', { form: formDef.name, prompt }));
      return { ...this.result(state, [text(move.text), back], 'answer'), topic };
    }
    const closed = move.kind === 'answer' && move.closeForm ? { status: 'idle' as const, form: null } : {};
    const suggestions = move.kind === 'answer' ? move.suggestions : undefined;
    return { ...this.result({ ...settled, ...closed }, [text(move.text, suggestions)], 'answer'), topic };
  }

  private route(state: ConversationState, parse: Parse, now: Date): StepResult {
    const also = this.alsoAsked(parse);
    if (also) return this.twoRequests(state, parse, also, now);
    const base: ConversationState = { ...state, humanOffered: false, lastIntent: parse.intent };
    if (isAppointmentCancel(parse) || this.cancelsBookingJustMade(state, parse, now)) return this.startCancelAppointment(base, parse);
    const progress = this.intent('progress_query');
    if (isReferenceQuestion(parse) && progress?.form && parse.intent !== 'complaint' && parse.intent !== 'suggestion') {
      return this.startForm({ ...base, misunderstood: 0, lastIntent: 'progress_query' }, progress, progress.form, parse, now);
    }
    if (parse.intent === 'cancel') return this.result({ ...base, misunderstood: 0 }, [text(this.msg('nothing_to_cancel'))], 'answer');
    // Yes, no and goodbye mean something only when there is something to
    // confirm or end (forms and offers are handled before this point).
    if (isHotlineNumber(parse)) return this.result({ ...base, misunderstood: 0 }, [text(this.msg('hotline_number'))], 'answer');
    const goodbye = this.intent('goodbye');
    if (isGoodbyeNumber(parse) && goodbye)
      return this.result({ ...base, misunderstood: 0 }, [text(goodbye.answer, goodbye.follow_ups)], 'answer');
    if (isBareNumber(parse) && CHAT.has(parse.intent)) {
      return this.fallback(state, { ...parse, intent: OUT_OF_SCOPE, topIntent: OUT_OF_SCOPE });
    }
    const offered = state.humanOffered || state.lastIntent === OUT_OF_SCOPE;
    if (parse.intent === 'affirm' || (parse.intent === 'deny' && !offered)) {
      return this.result({ ...base, misunderstood: 0 }, [text(this.msg('acknowledge'), this.intent('bot_help')?.follow_ups)], 'answer');
    }
    const lookup = this.nextLookup(state, parse);
    if (lookup?.form) return this.startForm({ ...base, misunderstood: 0, lastIntent: lookup.id }, lookup, lookup.form, parse, now);
    const def = this.intent(parse.intent);
    if (parse.intent === OUT_OF_SCOPE || !def) return this.fallback(state, parse);
    if (def.form) return this.startForm({ ...base, misunderstood: 0 }, def, def.form, parse, now);
    return this.result({ ...base, misunderstood: 0 }, [text(def.answer, def.follow_ups)], 'answer');
  }

  /** The second request of a message (Parse.also), when both are matters the assistant handles itself. */
  private alsoAsked(parse: Parse): IntentDef | null {
    const own = this.intent(parse.intent);
    const also = parse.also ? this.intent(parse.also.intent) : undefined;
    const matter = (d: IntentDef | undefined): d is IntentDef => Boolean(d && !CHAT.has(d.id) && !d.escalate && !d.staff_only);
    return matter(own) && matter(also) && also.id !== own.id ? also : null;
  }

  /**
   * 预约身份证，顺便问下公积金怎么提取: neither request is dropped. One that
   * needs a form of its own (a booking, a complaint) is begun; the other is
   * answered in passing first, or, when it needs a form too, named for
   * afterwards. Two questions get both answers.
   */
  private twoRequests(state: ConversationState, parse: Parse, also: IntentDef, now: Date): StepResult {
    const own = this.intent(parse.intent) as IntentDef;
    const acts = (d: IntentDef) => Boolean(d.form && !d.form.answer_from);
    const [first, second] = acts(also) && !acts(own) ? [also, own] : [own, also];
    const r = this.route(state, { ...parse, intent: first.id, topIntent: first.id, also: undefined }, now);
    const note =
      acts(second) && second.form
        ? this.msg('second_request_later', { other: second.form.name })
        : (this.quickAnswer(second, parse, now) ?? second.answer);
    return { ...r, replies: [text(note), ...r.replies] };
  }

  /**
   * 不去了，帮我取消 just after booking: that booking, asked about first
   * (confirmCancel), rather than "nothing to cancel". Only while the booking
   * is the conversation's live topic, and only in words that name cancelling.
   */
  private cancelsBookingJustMade(state: ConversationState, parse: Parse, now: Date): boolean {
    const topic = liveTopic(this.b, state, now);
    return topic?.intent === 'appointment' && Boolean(state.lastReference?.startsWith('A')) && isCancelWords(parse);
  }

  /**
   * 那过期药品呢 right after a garbage question: another item for the lookup
   * just answered, when the message names one exactly and the model places
   * it nowhere else.
   */
  private nextLookup(state: ConversationState, parse: Parse): IntentDef | null {
    const last = state.lastIntent ? this.intent(state.lastIntent) : undefined;
    if (!last?.form?.slots.some((s) => s.type === 'garbage_item')) return null;
    if (parse.intent !== OUT_OF_SCOPE && parse.intent !== last.id) return null;
    return findGarbageItem(parse.normalised, this.b)?.exact ? last : null;
  }

  private fallback(state: ConversationState, parse: Parse): StepResult {
    const misunderstood = state.misunderstood + 1;
    const next = { ...state, misunderstood, lastIntent: OUT_OF_SCOPE };
    if (misunderstood >= this.b.dialogue.escalation.misunderstood_before_offer) {
      const capabilities = this.intent('bot_help')?.follow_ups;
      return this.result(
        { ...next, humanOffered: true },
        [text(this.msg('fallback')), text(this.msg('capabilities'), capabilities), text(this.msg('offer_human_misunderstood'))],
        'fallback',
      );
    }
    const guess = parse.topIntent !== OUT_OF_SCOPE ? this.intent(parse.topIntent)?.follow_ups[0] : undefined;
    const guessDef = parse.topIntent !== OUT_OF_SCOPE ? this.intent(parse.topIntent) : undefined;
    if (guess && guessDef && parse.score >= 0.5) {
      return this.result(next, [text(this.msg('fallback_guess', { guess: guessDef.form?.name ?? guess }), [guess])], 'fallback');
    }
    return this.result(next, [text(this.msg('fallback'), this.intent('bot_help')?.follow_ups)], 'fallback');
  }

  /** While a person has the conversation the assistant only forwards; 取消 / 不用了 brings it back. */
  private duringHandoff(state: ConversationState, parse: Parse): StepResult {
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

  private rating(state: ConversationState, parse: Parse): StepResult | null {
    const rating = readRating(parse);
    if (!rating || !state.ratingFor) return null;
    return {
      ...this.result({ ...state, status: 'idle', ratingFor: null }, [], 'rated'),
      actions: [{ type: 'record_rating', handoffId: state.ratingFor, level: rating.level, comment: rating.comment }],
      after: [{ kind: 'rated' }],
    };
  }

  /** Escalations read from the words themselves: abuse, anger, the same question again and again. */
  private trigger(state: ConversationState, parse: Parse, now: Date): StepResult | null {
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

  private handoff(
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

  private continueCallback(state: ConversationState, form: FormState, parse: Parse): StepResult {
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

  /** The last 4 phone digits for a ticket filed elsewhere (see reference-proof.ts); anything else leaves the question. */
  private continueProof(state: ConversationState, form: FormState, parse: Parse, now: Date): StepResult {
    const reference = form.slots.reference as string;
    const tail = readPhoneTail(parse);
    const idle: ConversationState = { ...state, status: 'idle', form: null };
    if (!tail || attemptsLeft(state, reference) <= 0) {
      if (isExplicitCancel(parse)) return this.result(idle, [text(this.msg('nothing_to_cancel'))], 'cancelled');
      return this.route(idle, parse, now);
    }
    const used = (state.proofAttempts?.[reference] ?? 0) + 1;
    return {
      state: { ...idle, proofAttempts: { ...state.proofAttempts, [reference]: used } },
      replies: [],
      actions: [{ type: 'verify_reference', reference, phoneTail: tail }],
      after: [{ kind: 'verify', reference }],
      events: [],
      outcome: 'action',
    };
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

  // ---- forms -------------------------------------------------------------

  private startCancelAppointment(state: ConversationState, parse: Parse): StepResult {
    const ref =
      parse.entities.find((e) => e.type === 'reference' && e.kind === 'appointment')?.value ??
      (state.lastReference?.startsWith('A') ? state.lastReference : null);
    if (!ref) {
      const form: FormState = { intent: 'appointment_cancel', slots: {}, pending: 'reference', attempts: {}, confirming: false };
      return this.result({ ...state, status: 'form', form }, [text('请提供要取消的预约号，例如 A20261125-0001。')], 'slot_prompt');
    }
    return this.confirmCancel(state, ref);
  }

  /**
   * Whose appointment it is is checked before asking "确认取消…吗？": a
   * stranger hears at once that it is not theirs, and nothing about it
   * (results.ts asks for the confirmation only when the lookup found it).
   */
  private confirmCancel(state: ConversationState, reference: string): StepResult {
    const form: FormState = { intent: 'appointment_cancel', slots: { reference }, pending: null, attempts: {}, confirming: true };
    return {
      ...this.result({ ...state, status: 'form', form }, [], 'confirm'),
      actions: [{ type: 'lookup_reference', reference }],
      after: [{ kind: 'confirm_cancel', reference }],
    };
  }

  private startForm(state: ConversationState, def: IntentDef, formDef: FormDef, parse: Parse, now: Date): StepResult {
    if (
      def.id === 'garbage_sorting' &&
      !findGarbageItem(parse.normalised, this.b) &&
      /时间|几点|大件|装修|规则|标准|怎么分|分几类|四分类/.test(parse.normalised)
    ) {
      return this.result(state, [text(this.b.garbage.rules.join('\n'), def.follow_ups)], 'answer');
    }
    const form: FormState = { intent: def.id, slots: {}, pending: null, attempts: {}, confirming: false };
    const invalid = new Map<string, string>();
    for (const slot of formDef.slots) {
      const reading = readSlot(slot, parse, now, this.b, { asked: false });
      if (reading.ok) form.slots[slot.name] = reading.value;
      else if (reading.reason) invalid.set(slot.name, reading.reason);
      else if (slot.default === 'last_reference' && state.lastReference) form.slots[slot.name] = state.lastReference;
    }
    const intro = formDef.answer_from && !formDef.slots.every((s) => form.slots[s.name] !== undefined) ? [text(def.answer)] : [];
    const dayNote = this.hallDay(formDef, parse);
    if (dayNote) intro.unshift(text(dayNote));
    const next = this.advance({ ...state, status: 'form', form }, def, formDef);
    // A value given but not acceptable (下周六: a weekend) is explained, not silently asked for again.
    const pending = next.state.form?.pending;
    const reason = pending ? invalid.get(pending) : undefined;
    const slot = formDef.slots.find((s) => s.name === pending);
    if (reason !== undefined && slot) {
      return { ...next, replies: [...intro, text(render(slot.reprompt, { reason, choices: this.choices(slot) }))] };
    }
    return { ...next, replies: [...intro, ...next.replies] };
  }

  private continueForm(state: ConversationState, form: FormState, parse: Parse, now: Date): StepResult {
    if (form.intent === 'appointment_cancel') return this.continueCancel(state, form, parse);
    if (form.intent === CALLBACK) return this.continueCallback(state, form, parse);
    if (form.intent === PROOF_FORM) return this.continueProof(state, form, parse, now);
    const def = this.intent(form.intent) as IntentDef;
    const formDef = def.form as FormDef;
    const cancelled = () =>
      this.result(
        { ...state, status: 'idle', form: null, humanOffered: false },
        [text(this.msg('form_cancelled', { form: formDef.name }))],
        'cancelled',
      );
    // The citizen's own 取消/算了 ends the form at once; the classifier's
    // "cancel" only when the message is not an answer (不用 declines an
    // optional slot, 改成下午吧 corrects one).
    if (isExplicitCancel(parse)) return cancelled();
    if (form.confirming) return this.continueConfirm(state, form, def, formDef, parse, now);
    const slot = pendingSlot(form, formDef);
    if (!slot) return this.advance(state, def, formDef);
    // A question about something else is answered, then the form resumes.
    // Free-text slots accept almost anything, so there only a question that
    // the model places in another intent counts as a digression.
    // 明天 alone is an answer (or a wrong one), not a weather question: a message that is only a date or time
    // is never answered as another matter.
    const aside = isOnlyWhen(parse) ? null : this.aside(def, form, parse, now);
    const resume = (answer: string) =>
      this.result(state, [text(answer), text(this.msg('resume_after_digression', { form: formDef.name, prompt: slot.prompt }))], 'answer');
    if (aside && (slot.type === 'text' || slot.type === 'place') && isQuestion(parse)) return resume(aside);
    const reading = readSlot(slot, parse, now, this.b, { asked: true });
    // A request for another form (另外想提个建议…, 编号TS20240401有结果了吗) is not this slot's value, and
    // cannot be answered in passing: this form comes first, said plainly, and its question again. A free
    // text slot takes it as written (a complaint's description may ask for anything).
    const request = this.otherForm(def, parse);
    const place = slot.type === 'place' && parse.entities.some((e) => e.type === 'district');
    if (request && slot.type !== 'text' && !place && (slot.type === 'place' || !reading.ok)) {
      const vars = { form: formDef.name, other: request, prompt: slot.prompt };
      return this.result(state, [text(this.msg('finish_form_first', vars))], 'slot_prompt');
    }
    if (reading.ok) {
      const filled: FormState = {
        ...form,
        slots: { ...form.slots, [slot.name]: reading.value },
        attempts: { ...form.attempts, [slot.name]: 0 },
      };
      // The same message may carry other values too (周四下午 answers date and period).
      const others = this.readAny(formDef, parse, now, filled);
      return this.advance({ ...state, form: others.form, humanOffered: false }, def, formDef);
    }
    if (parse.intent === 'cancel') return cancelled();
    // A new value for another of the form's questions (不对是下周五 at the half-day question) is taken, and the
    // form goes on from there, rather than repeating its question as if nothing had been said.
    const corrected = this.readAny(formDef, parse, now, form);
    if (corrected.changed) return this.advance({ ...state, form: corrected.form, humanOffered: false }, def, formDef);
    if (aside && reading.reason === '') return resume(aside);
    if (slot.type === 'garbage_item') {
      return this.result(
        { ...state, status: 'idle', form: null },
        [text(render(slot.reprompt, { rules: this.b.garbage.rules.join('\n') }), def.follow_ups)],
        'answer',
      );
    }
    const attempts = (form.attempts[slot.name] ?? 0) + 1;
    const next: ConversationState = { ...state, form: { ...form, attempts: { ...form.attempts, [slot.name]: attempts } } };
    const reprompt = text(render(slot.reprompt, { reason: reading.reason ?? '', choices: this.choices(slot) }));
    if (attempts >= this.b.dialogue.escalation.slot_failures_before_offer) {
      return this.result({ ...next, humanOffered: true }, [reprompt, text(this.msg('offer_human_slot'))], 'slot_prompt');
    }
    return this.result(next, [reprompt], 'slot_prompt');
  }

  /** 端午节上班吗 about the halls: what the calendar says of the day asked about, which comes before where they are. */
  private hallDay(formDef: FormDef, parse: Parse): string | null {
    const day = formDef.answer_from === 'service_halls' ? parse.entities.find((e) => e.type === 'date') : undefined;
    return day ? hallDayNote(this.b, day.value) : null;
  }

  /** During a form, the other matter a message is about: not the form's own, an escalation (handled before) or chat. */
  private otherIntent(form: IntentDef, parse: Parse): IntentDef | null {
    const other = this.intent(parse.intent);
    return other && other.id !== form.id && !other.escalate && !CHAT.has(other.id) ? other : null;
  }

  /** The name of another form the message asks for (投诉, 意见建议, 进度查询), one that cannot be answered in passing. */
  private otherForm(form: IntentDef, parse: Parse): string | null {
    const other = this.otherIntent(form, parse);
    return other?.form && !other.form.answer_from ? other.form.name : null;
  }

  /** During a form, the answer to a question about another intent, if it can be given in passing. */
  private aside(form: IntentDef, state: FormState, parse: Parse, now: Date): string | null {
    const other = this.otherIntent(form, parse);
    if (!other) return null;
    const answer = this.quickAnswer(other, parse, now, state.slots);
    const dayNote = other.form ? this.hallDay(other.form, parse) : null;
    return answer && dayNote ? `${dayNote}\n${answer}` : answer;
  }

  /**
   * An answer to another intent that needs no dialogue of its own, or null.
   * A value the message does not give may come from the form in progress
   * (`known`): 大厅几点关门 while booking in 浦东 is about 浦东's hall.
   */
  private quickAnswer(other: IntentDef, parse: Parse, now: Date, known: Record<string, string> = {}): string | null {
    const f = other.form;
    if (!f) return other.answer;
    if (!f.answer_from) return null;
    const slots: Record<string, string> = {};
    for (const slot of f.slots) {
      const r = readSlot(slot, parse, now, this.b, { asked: false });
      const value = r.ok ? r.value : known[slot.name];
      if (value === undefined) return other.answer;
      slots[slot.name] = value;
    }
    return answerFrom(this.b, other, f, { intent: other.id, slots, pending: null, attempts: {}, confirming: false });
  }

  private choices(slot: SlotDef): string {
    if (slot.type === 'service') return [...this.b.services.values()].map((s) => s.name).join('、');
    if (slot.type === 'choice') return Object.keys(slot.choices ?? {}).join('、');
    return '';
  }

  /** Reads every slot the message carries values for (unasked mode), over the current values. */
  private readAny(
    formDef: FormDef,
    parse: Parse,
    now: Date,
    base?: FormState,
  ): { form: FormState; changed: boolean; invalid: string | null } {
    const form = structuredClone(base ?? ({ intent: '', slots: {}, pending: null, attempts: {}, confirming: false } as FormState));
    let changed = false;
    let invalid: string | null = null;
    for (const slot of formDef.slots) {
      if (slot.type === 'text' || slot.type === 'place') continue;
      const r = readSlot(slot, parse, now, this.b, { asked: false });
      if (r.ok && form.slots[slot.name] !== r.value) {
        form.slots[slot.name] = r.value;
        changed = true;
      } else if (!r.ok && r.reason) invalid = render(slot.reprompt, { reason: r.reason, choices: this.choices(slot) });
    }
    return { form, changed, invalid };
  }

  private continueConfirm(
    state: ConversationState,
    form: FormState,
    def: IntentDef,
    formDef: FormDef,
    parse: Parse,
    now: Date,
  ): StepResult {
    const corrected = this.readAny(formDef, parse, now, form);
    if (corrected.changed) return this.advance({ ...state, form: { ...corrected.form, confirming: false } }, def, formDef);
    // 地址写错了，是锦绣路2号 / 地点改成南京东路2号: a place is free text, which readAny cannot
    // pick out of a sentence, so the new place is what follows 是/改成/为, or the question is asked again.
    // 不要留电话了 empties an optional phone. Either way the summary is shown again before anything is filed.
    const place = formDef.slots.find((s) => s.type === 'place');
    if (place && /地址|地点|位置/.test(parse.normalised)) {
      const value = /(?:改成|改为|换成|应该是|是|为|在)[:：\s]*([^，,。!！?？]{2,})[。!！]*$/.exec(parse.text.trim())?.[1]?.trim();
      const fine = value !== undefined && /^(?:对的?|没错|正确的?|没问题)/.test(value);
      if (fine) return this.result(state, [text(this.confirmText(form, formDef))], 'confirm');
      const slots = value ? { ...form.slots, [place.name]: value } : form.slots;
      const next: FormState = { ...form, slots, confirming: false, pending: value ? null : place.name };
      if (value) return this.advance({ ...state, form: next }, def, formDef);
      return this.result({ ...state, form: next }, [text(place.prompt)], 'slot_prompt');
    }
    const phone = formDef.slots.find((s) => s.type === 'phone' && s.optional);
    if (phone && form.slots[phone.name] && NO_PHONE.test(parse.normalised)) {
      return this.advance({ ...state, form: { ...form, slots: { ...form.slots, [phone.name]: '' }, confirming: false } }, def, formDef);
    }
    if (corrected.invalid) return this.result(state, [text(corrected.invalid)], 'confirm');
    if (isAffirm(parse)) return this.finish(state, form, def, formDef);
    if (isDeny(parse)) return this.result(state, [text(this.msg('ask_what_to_change'))], 'confirm');
    if (parse.intent === 'cancel') {
      return this.result(
        { ...state, status: 'idle', form: null, humanOffered: false },
        [text(this.msg('form_cancelled', { form: formDef.name }))],
        'cancelled',
      );
    }
    const aside = this.aside(def, form, parse, now);
    if (aside) return this.result(state, [text(aside), text(this.confirmText(form, formDef))], 'answer');
    return this.result(state, [text(this.msg('confirm_ambiguous'))], 'confirm');
  }

  private continueCancel(state: ConversationState, form: FormState, parse: Parse): StepResult {
    if (!form.confirming) {
      const ref = parse.entities.find((e) => e.type === 'reference' && e.kind === 'appointment');
      if (isCancel(parse) && !ref)
        return this.result({ ...state, status: 'idle', form: null }, [text('好的，没有取消任何预约。')], 'cancelled');
      if (!ref) return this.result(state, [text('没有识别出预约号，预约号以 A 开头，例如 A20261125-0001。')], 'slot_prompt');
      return this.confirmCancel(state, ref.value);
    }
    // 取消预约 A…-0001 again at "确认取消…吗？" repeats the request: a yes. Another number starts over with it.
    const named = parse.entities.find((e) => e.type === 'reference' && e.kind === 'appointment')?.value;
    if (isAppointmentCancel(parse) && named && named !== form.slots.reference) {
      return this.startCancelAppointment({ ...state, status: 'idle', form: null }, parse);
    }
    if (isAffirm(parse) || isAppointmentCancel(parse)) {
      const reference = form.slots.reference as string;
      return {
        state: { ...state, status: 'idle', form: null },
        replies: [],
        actions: [{ type: 'cancel_appointment', reference }],
        after: [{ kind: 'cancel_appointment' }],
        events: [],
        outcome: 'action',
      };
    }
    return this.result({ ...state, status: 'idle', form: null }, [text('好的，预约已保留，没有取消。')], 'cancelled');
  }

  /** Asks for the next missing slot, or reads back for confirmation, or finishes. */
  private advance(state: ConversationState, def: IntentDef, formDef: FormDef): StepResult {
    const form = state.form as FormState;
    const missing = formDef.slots.find((s) => form.slots[s.name] === undefined);
    if (missing) {
      return this.result(
        { ...state, status: 'form', form: { ...form, pending: missing.name, confirming: false } },
        [text(missing.prompt)],
        'slot_prompt',
      );
    }
    if (formDef.confirm) {
      const next = { ...form, pending: null, confirming: true };
      return this.result({ ...state, status: 'form', form: next }, [text(this.confirmText(next, formDef))], 'confirm');
    }
    return this.finish(state, form, def, formDef);
  }

  private vars(form: FormState, formDef: FormDef): Record<string, string> {
    const vars: Record<string, string> = {};
    for (const slot of formDef.slots) {
      const v = form.slots[slot.name];
      if (v !== undefined) vars[slot.name] = displaySlot(slot, v, this.b);
    }
    return vars;
  }

  private confirmText(form: FormState, formDef: FormDef): string {
    return render(formDef.confirm ?? '', this.vars(form, formDef));
  }

  private finish(state: ConversationState, form: FormState, def: IntentDef, formDef: FormDef): StepResult {
    const idle: ConversationState = { ...state, status: 'idle', form: null, humanOffered: false };
    const vars = this.vars(form, formDef);
    const s = form.slots;
    switch (formDef.action) {
      case 'create_appointment':
        return {
          state: idle,
          replies: [],
          actions: [
            {
              type: 'create_appointment',
              service: s.service as string,
              district: s.district as string,
              date: s.date as string,
              period: s.period as 'am' | 'pm',
            },
          ],
          after: [{ kind: 'done', template: formDef.done as string, vars }],
          events: [],
          outcome: 'action',
        };
      case 'create_ticket':
        return {
          state: idle,
          replies: [],
          actions: [
            {
              type: 'create_ticket',
              kind: def.id === 'complaint' ? 'complaint' : 'suggestion',
              description: s.description as string,
              location: s.location ?? null,
              phone: s.phone || null,
            },
          ],
          after: [{ kind: 'done', template: formDef.done as string, vars }],
          events: [],
          outcome: 'action',
        };
      case 'lookup_reference':
        return {
          state: { ...idle, lastReference: s.reference as string },
          replies: [],
          actions: [{ type: 'lookup_reference', reference: s.reference as string }],
          after: [{ kind: 'lookup' }],
          events: [],
          outcome: 'action',
        };
      default:
        return this.result(idle, [text(answerFrom(this.b, def, formDef, form), def.follow_ups)], 'answer');
    }
  }

  private result(state: ConversationState, replies: Reply[], outcome: StepResult['outcome']): StepResult {
    return { state, replies, actions: [], after: [], events: [], outcome };
  }

  /** Replies and events that depend on what the actions did (see results.ts). */
  complete(step: StepResult, results: ActionResult[]): { replies: Reply[]; events: DialogueEvent[]; state: ConversationState } {
    return completeTurn(this.b, step, results);
  }
}

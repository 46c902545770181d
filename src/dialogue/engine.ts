/**
 * The dialogue step: (state, parse, now) → (new state, replies, actions).
 * Pure — no I/O, no clock, no randomness — so conversations are testable as
 * transcripts. The caller performs the actions (in one transaction with the
 * new state) and hands their results to `complete`, which renders the
 * replies that depend on them (a new appointment's number, a ticket's status).
 */
import {
  type ActionResult,
  type ConversationState,
  type DialogueEvent,
  type FormState,
  initialState,
  type Reply,
} from '../core/conversation.js';
import { OUT_OF_SCOPE, type Parse } from '../core/parse.js';
import { AppointmentCancel } from './appointment-cancel.js';
import type { Behaviour, FormDef, IntentDef } from './definitions.js';
import { type EngineOptions, Escalation } from './escalation.js';
import { type FollowUpMove, liveTopic, pendingSlot, resolveFollowUp } from './follow-up.js';
import { Forms } from './forms.js';
import {
  isAffirm,
  isAppointmentCancel,
  isBareNumber,
  isCancelWords,
  isComplaintRequest,
  isExplicitCancel,
  isGoodbyeNumber,
  isHotlineNumber,
  isQuestion,
  isReferenceQuestion,
  isReschedule,
  lastAppointment,
  namedAppointment,
  stopsThenGoesOn,
} from './intents-text.js';
import { attemptsLeft, PROOF_FORM, readPhoneTail } from './reference-proof.js';
import { completeTurn } from './results.js';
import { findGarbageItem, readSlot } from './slots.js';
import { CALLBACK, CHAT, StepKit, type StepResult, text } from './step-kit.js';
import { messageTopicUse, nextTopic } from './topic-memory.js';

/** At this share of None the model's reading wins over danger words: a question about a word, not a danger. */
const SURELY_NOT_A_REQUEST = 0.9;
/** Characters up to which a message that reads as a consultation's case (租房, 买房了) is its answer. */
const CASE_ANSWER = 8;
/** Below this share an emergency inside a form is read as the form's content. */
const CLEAR_EMERGENCY = 0.7;

export type { EngineOptions } from './escalation.js';
export type { AfterAction, StepResult } from './step-kit.js';

/** Reason codes of escalations the engine raises itself (intents add their own in intents/*.yaml). */
export const ENGINE_REASONS = ['misunderstood', 'slot_failed', 'anger', 'repeated_question', 'staff_only'] as const;

/**
 * The second request once the words decided the first: the model's own
 * reading, when the words took the second's place (我想投诉…，另外帮我预约…).
 */
function alsoBesides(parse: Parse, byWords: string): Parse['also'] {
  if (parse.also?.intent !== byWords) return parse.also;
  return parse.intent !== OUT_OF_SCOPE && parse.intent !== byWords
    ? { intent: parse.intent, score: parse.score, text: '', start: 0 }
    : undefined;
}
/**
 * The message with only the part about `intent` left (the other blanked,
 * offsets kept), so a form begun for one request reads its values from
 * that request: 预约办身份证，顺便问下居住证要什么材料 books 身份证.
 */
function onlyPart(parse: Parse, intent: string): Parse {
  const also = parse.also;
  if (!also?.text) return parse;
  const [a, b] = [also.start, also.start + also.text.length];
  const inside = intent === also.intent;
  const keep = (i: number) => (i >= a && i < b) === inside;
  const normalised = parse.normalised
    .split('')
    .map((c, i) => (keep(i) ? c : ' '))
    .join('');
  const entities = parse.entities.filter((e) => keep(e.start) && keep(e.end - 1));
  return { ...parse, normalised, entities };
}

export class DialogueEngine extends StepKit {
  private readonly danger: RegExp[];
  private readonly forms: Forms;
  private readonly escalation: Escalation;
  private readonly cancel: AppointmentCancel;

  constructor(b: Behaviour, options: EngineOptions = {}) {
    super(b);
    this.danger = b.dialogue.escalation.danger_patterns.map((p) => new RegExp(p, 'u'));
    this.forms = new Forms(b);
    this.escalation = new Escalation(b, options);
    this.cancel = new AppointmentCancel(b);
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
    // The request left for afterwards is recalled once the form ends, and forgotten a turn later.
    const pending = r.state.later;
    const recall = pending && !pending.reminded && state.form !== null && r.state.form === null && r.state.status === 'idle';
    const later = recall ? { ...pending, reminded: true } : pending?.reminded ? null : (pending ?? null);
    const closing = recall ? [...(r.closing ?? []), text(this.msg('later_reminder', { other: pending.name }))] : r.closing;
    return {
      ...r,
      closing,
      topic: use,
      state: { ...r.state, lastText: parse.normalised, repeats, topic, later },
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
    if (state.status === 'handoff') return this.escalation.duringHandoff(state, parse);
    if (state.status === 'rating') {
      const rated = this.escalation.rating(state, parse);
      if (rated) return rated;
      // Not a rating: the citizen moved on; so does the assistant.
      state = { ...state, status: 'idle', ratingFor: null };
    }
    const def = this.intent(parse.intent);
    const trigger = this.escalation.trigger(state, parse, now);
    if (trigger) return trigger;
    // Escalating intents (emergency, a request for a person) win everywhere,
    // forms included — except an emergency the model is unsure of while a
    // form is open: "楼道堆物好几个月没人管" during a complaint is its
    // content (the form is evidence), so it goes on with a safety line.
    const unsureEmergency = parse.intent === 'emergency' && state.form !== null && parse.score < CLEAR_EMERGENCY;
    if (def?.escalate && !unsureEmergency) {
      const replies = parse.intent === 'human_agent' ? [] : [text(def.answer)];
      return this.escalation.handoff(state, replies, def.escalate.reason, def.escalate.priority, parse, now);
    }
    if (def?.staff_only && !state.form) return this.escalation.handoff(state, [text(def.answer)], 'staff_only', 'normal', parse, now);
    if (unsureEmergency && state.form) {
      const r = this.continueForm(state, state.form, parse, now);
      return { ...r, replies: [text('如遇紧急危险，请立即拨打 110 / 119 / 120。'), ...r.replies] };
    }
    if (state.humanOffered && isAffirm(parse)) {
      return this.escalation.handoff(state, [], state.form ? 'slot_failed' : 'misunderstood', 'normal', parse, now);
    }
    // 算了，不投诉了，我想问下社保怎么交: the form ends, as 算了 alone ends it, and the
    // rest is a new matter. Resuming the form after it would ask again what
    // the citizen has just said they no longer want.
    if (state.form && stopsThenGoesOn(parse) && def && !CHAT.has(def.id)) {
      return this.dropFormThen(state, (idle) => this.decide(idle, parse, now));
    }
    // 取消预约 A… while another form is open is about that appointment, not the form in progress (which is
    // dropped, saying so): closing the form alone and saying 已取消 had left the booking standing.
    if (state.form && state.form.intent !== 'appointment_cancel' && namedAppointment(parse) && isAppointmentCancel(parse)) {
      return this.dropFormThen(state, (idle) => this.cancel.startCancelAppointment(idle, parse));
    }
    const followUp = resolveFollowUp(this.b, state, parse, now);
    if (followUp) return this.followUp(state, followUp);
    if (state.form) return this.continueForm(state, state.form, parse, now);
    return this.route(state, parse, now);
  }

  /** Ends the open form, saying nothing was submitted, and goes on with `next` from there. */
  private dropFormThen(state: ConversationState, next: (idle: ConversationState) => StepResult): StepResult {
    const name = this.intent(state.form?.intent ?? '')?.form?.name ?? '事项';
    const r = next({ ...state, status: 'idle', form: null, humanOffered: false });
    return { ...r, replies: [text(this.msg('form_dropped', { form: name })), ...r.replies] };
  }

  /** A follow-up question's reply (see follow-up.ts for when a message is one). */
  private followUp(state: ConversationState, move: FollowUpMove): StepResult {
    const topic = move.use;
    const settled: ConversationState = { ...state, humanOffered: false, misunderstood: 0, lastIntent: topic.topic };
    if (move.kind === 'book') {
      const def = this.intent('appointment') as IntentDef;
      const form: FormState = { intent: def.id, slots: { service: move.service }, pending: null, attempts: {}, confirming: false };
      return { ...this.forms.advance({ ...settled, status: 'form', form }, def, def.form as FormDef), topic };
    }
    if (move.kind === 'ask') return { ...this.result(state, [text(move.text)], 'fallback'), topic };
    if (move.kind === 'resume' && state.form) {
      const form = state.form;
      const formDef = this.intent(form.intent)?.form as FormDef;
      const prompt = form.confirming ? this.forms.confirmText(form, formDef) : (pendingSlot(form, formDef)?.prompt ?? '');
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
    // 把预约改到下周二 booked a second appointment and left the first standing: moving one is cancelling it
    // (asked first, as any cancel) and then booking again, which is recalled once the cancel is done.
    if (isReschedule(parse)) {
      if (!namedAppointment(parse) && !lastAppointment(state))
        return this.result({ ...base, misunderstood: 0 }, [text(this.msg('reschedule_unknown'))], 'answer');
      const later = { intent: 'appointment', name: this.msg('reschedule_rebook'), reminded: false };
      const r = this.cancel.startCancelAppointment({ ...base, misunderstood: 0, later }, parse);
      return { ...r, replies: [text(this.msg('reschedule_how')), ...r.replies] };
    }
    if (isAppointmentCancel(parse) || this.cancelsBookingJustMade(state, parse, now))
      return this.cancel.startCancelAppointment(base, parse);
    const progress = this.intent('progress_query');
    if (isReferenceQuestion(parse) && progress?.form && parse.intent !== 'complaint' && parse.intent !== 'suggestion') {
      return this.forms.startForm({ ...base, misunderstood: 0, lastIntent: 'progress_query' }, progress, progress.form, parse, now);
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
    const later = state.later?.reminded ? this.intent(state.later.intent) : undefined;
    if (later?.form && isAffirm(parse))
      return this.forms.startForm({ ...base, misunderstood: 0, lastIntent: later.id, later: null }, later, later.form, parse, now);
    const offered = state.humanOffered || state.lastIntent === OUT_OF_SCOPE;
    if (parse.intent === 'affirm' || (parse.intent === 'deny' && !offered)) {
      return this.result({ ...base, misunderstood: 0 }, [text(this.msg('acknowledge'), this.intent('bot_help')?.follow_ups)], 'answer');
    }
    const lookup = this.nextLookup(state, parse);
    if (lookup?.form) return this.forms.startForm({ ...base, misunderstood: 0, lastIntent: lookup.id }, lookup, lookup.form, parse, now);
    const def = this.intent(parse.intent);
    if (parse.intent === OUT_OF_SCOPE || !def) return this.fallback(state, parse);
    if (def.form) return this.forms.startForm({ ...base, misunderstood: 0 }, def, def.form, parse, now);
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
    const r = this.route(state, { ...onlyPart(parse, first.id), intent: first.id, topIntent: first.id, also: undefined }, now);
    if (acts(second) && second.form) {
      const later = { intent: second.id, name: second.form.name, reminded: false };
      const note = this.msg('second_request_later', { other: second.form.name });
      return { ...r, state: { ...r.state, later }, replies: [text(note), ...r.replies] };
    }
    const note = this.forms.quickAnswer(second, parse, now) ?? second.answer;
    return { ...r, replies: [text(note), ...r.replies] };
  }

  /**
   * 不去了，帮我取消 just after booking: that booking, asked about first
   * (confirmCancel), rather than "nothing to cancel". Only while the booking
   * is the conversation's live topic, and only in words that name cancelling.
   */
  private cancelsBookingJustMade(state: ConversationState, parse: Parse, now: Date): boolean {
    const topic = liveTopic(this.b, state, now);
    return topic?.intent === 'appointment' && lastAppointment(state) !== null && isCancelWords(parse);
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

  /** The open form's next step: cancelling, a callback and the ticket proof have their own; the rest are forms.ts's. */
  private continueForm(state: ConversationState, form: FormState, parse: Parse, now: Date): StepResult {
    if (form.intent === 'appointment_cancel') return this.cancel.continueCancel(state, form, parse);
    if (form.intent === CALLBACK) return this.escalation.continueCallback(state, form, parse);
    if (form.intent === PROOF_FORM) return this.continueProof(state, form, parse, now);
    return this.forms.continueForm(state, form, parse, now);
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

  /** Replies and events that depend on what the actions did (see results.ts). */
  complete(step: StepResult, results: ActionResult[]): { replies: Reply[]; events: DialogueEvent[]; state: ConversationState } {
    return completeTurn(this.b, step, results);
  }
}

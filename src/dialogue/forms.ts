/**
 * Slot-filling forms: starting one with what the first message already
 * says, taking answers (and corrections, and questions asked in passing),
 * reading back for confirmation, and finishing with the form's action or
 * answer. The engine routes a turn here once it is about the open form.
 */
import type { ConversationState, FormState } from '../core/conversation.js';
import type { Parse } from '../core/parse.js';
import { answerFrom, hallDayNote } from './answers.js';
import type { FormDef, IntentDef, SlotDef } from './definitions.js';
import { pendingSlot } from './follow-up.js';
import { correctedPlace, isAffirm, isDeny, isExplicitCancel, isOnlyWhen, isQuestion } from './intents-text.js';
import { displaySlot, findGarbageItem, NO_PHONE, readSlot, render } from './slots.js';
import { CHAT, StepKit, type StepResult, text } from './step-kit.js';

export class Forms extends StepKit {
  startForm(state: ConversationState, def: IntentDef, formDef: FormDef, parse: Parse, now: Date): StepResult {
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
    const slot = next.state.form ? pendingSlot(next.state.form, formDef) : undefined;
    if (reason !== undefined && slot) {
      return { ...next, replies: [...intro, text(render(slot.reprompt, { reason, choices: this.choices(slot) }))] };
    }
    return { ...next, replies: [...intro, ...next.replies] };
  }

  continueForm(state: ConversationState, form: FormState, parse: Parse, now: Date): StepResult {
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
      const later = { intent: this.otherIntent(def, parse)?.id ?? '', name: request, reminded: false };
      return this.result({ ...state, later }, [text(this.msg('finish_form_first', vars))], 'slot_prompt');
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
    // 不留了 at a phone the form needs declines the phone, not the whole complaint: the citizen hears why it
    // is needed, and nothing written so far is thrown away.
    if (slot.type === 'phone' && !slot.optional && NO_PHONE.test(parse.normalised)) {
      return this.result(state, [text(this.msg('phone_required', { prompt: slot.prompt }))], 'slot_prompt');
    }
    if (parse.intent === 'cancel') return cancelled();
    // A new value for another of the form's questions (不对是下周五 at the half-day question) is taken, and the
    // form goes on from there, rather than repeating its question as if nothing had been said.
    // A value the question itself refuses (明天上午 on a Saturday: a weekend) is explained first, keeping the rest.
    const corrected = this.readAny(formDef, parse, now, form);
    if (corrected.changed && !reading.reason) return this.advance({ ...state, form: corrected.form, humanOffered: false }, def, formDef);
    const kept = corrected.changed ? { ...corrected.form, pending: form.pending } : form;
    if (aside && reading.reason === '') return resume(aside);
    if (slot.type === 'garbage_item') {
      return this.result(
        { ...state, status: 'idle', form: null },
        [text(render(slot.reprompt, { rules: this.b.garbage.rules.join('\n') }), def.follow_ups)],
        'answer',
      );
    }
    const attempts = (form.attempts[slot.name] ?? 0) + 1;
    const next: ConversationState = { ...state, form: { ...kept, attempts: { ...form.attempts, [slot.name]: attempts } } };
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
  quickAnswer(other: IntentDef, parse: Parse, now: Date, known: Record<string, string> = {}): string | null {
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
      const value = correctedPlace(parse);
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

  /** Asks for the next missing slot, or reads back for confirmation, or finishes. */
  advance(state: ConversationState, def: IntentDef, formDef: FormDef): StepResult {
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

  confirmText(form: FormState, formDef: FormDef): string {
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
}

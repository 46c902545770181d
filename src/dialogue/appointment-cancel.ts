/**
 * Cancelling an appointment: which one (the number given, or the one just
 * made), whose it is checked before asking, and the citizen's answer.
 */
import type { ConversationState, FormState } from '../core/conversation.js';
import type { Parse } from '../core/parse.js';
import { isAffirm, isAppointmentCancel, isCancel, lastAppointment, namedAppointment } from './intents-text.js';
import { StepKit, type StepResult, text } from './step-kit.js';

export class AppointmentCancel extends StepKit {
  startCancelAppointment(state: ConversationState, parse: Parse): StepResult {
    const ref = namedAppointment(parse) ?? lastAppointment(state);
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

  continueCancel(state: ConversationState, form: FormState, parse: Parse): StepResult {
    if (!form.confirming) {
      const ref = namedAppointment(parse);
      if (isCancel(parse) && !ref)
        return this.result({ ...state, status: 'idle', form: null }, [text('好的，没有取消任何预约。')], 'cancelled');
      if (!ref) return this.result(state, [text('没有识别出预约号，预约号以 A 开头，例如 A20261125-0001。')], 'slot_prompt');
      return this.confirmCancel(state, ref);
    }
    // 取消预约 A…-0001 again at "确认取消…吗？" repeats the request: a yes. Another number starts over with it.
    const named = namedAppointment(parse);
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
}

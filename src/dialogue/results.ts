/**
 * The second half of a turn: replies and events that depend on what the
 * actions did (a new appointment's number, a ticket's real status, the queue
 * position of a handoff). Pure, like the step.
 */
import type { ActionResult, ConversationState, DialogueEvent, Reply } from '../core/conversation.js';
import type { Behaviour } from './definitions.js';
import { RATING_LABELS } from './intents-text.js';
import { askForProof, attemptsLeft, proofExhausted, proofFailed, proofForm } from './reference-proof.js';
import { formatDate, render } from './slots.js';
import type { StepResult } from './step-kit.js';
import { describeTicket } from './ticket-progress.js';

const text = (t: string): Reply => ({ type: 'text', text: t });

export function describeReference(b: Behaviour, r: ActionResult): string {
  if (r.type === 'reference_missing')
    return `没有查到您名下编号 ${r.reference} 的记录，请核对编号是否正确（预约号以 A 开头，工单号以 T 开头）。只能查询您本人在本渠道办理的事项；如有疑问可拨打 12345。`;
  if (r.type !== 'reference_found') return '查询失败，请稍后再试。';
  if (r.kind === 'appointment') {
    const d = r.details;
    const service = b.services.get(d.service ?? '')?.name ?? d.service;
    const status = r.status === 'booked' ? '已预约' : '已取消';
    const when = d.date ? `${formatDate(d.date)}${d.period === 'am' ? '上午' : '下午'}` : '';
    return `预约 ${r.reference}：${status}。${service}，${d.district ?? ''}，${when}。`;
  }
  return describeTicket(b, r.reference, r.status, r.details);
}

export function completeTurn(
  b: Behaviour,
  step: StepResult,
  results: ActionResult[],
): { replies: Reply[]; events: DialogueEvent[]; state: ConversationState } {
  const replies = [...step.replies];
  const events = [...step.events];
  let state = step.state;
  step.after.forEach((after, i) => {
    const r = results[i];
    if (!r) return;
    if (after.kind === 'done' && (r.type === 'appointment_created' || r.type === 'ticket_created')) {
      replies.push(text(render(after.template, { ...after.vars, reference: r.reference })));
      events.push({ type: r.type === 'appointment_created' ? 'appointment.created' : 'ticket.created', id: r.reference });
      // The record just made is what the conversation is about now (topic-memory.ts).
      const topic = state.topic ? { ...state.topic, reference: r.reference } : state.topic;
      state = { ...state, lastReference: r.reference, topic };
    } else if (after.kind === 'lookup' && r.type === 'reference_proof_needed') {
      const left = attemptsLeft(state, r.reference);
      replies.push(text(left > 0 ? askForProof(r.reference) : proofExhausted(r.reference)));
      if (left > 0) state = { ...state, status: 'form', form: proofForm(r.reference) };
    } else if ((after.kind === 'lookup' || after.kind === 'verify') && r.type === 'reference_proof_locked') {
      // Too many wrong answers for the number from all sessions: the same words as this conversation's own limit.
      replies.push(text(proofExhausted(r.reference)));
    } else if (after.kind === 'verify' && r.type === 'reference_unverified') {
      const left = r.locked ? 0 : attemptsLeft(state, r.reference);
      replies.push(text(left > 0 ? proofFailed(r.reference, left) : proofExhausted(r.reference)));
      events.push({ type: 'reference.proof_failed', id: r.reference });
      if (r.locked) events.push({ type: 'reference.proof_locked', id: r.reference });
      if (left > 0) state = { ...state, status: 'form', form: proofForm(r.reference) };
    } else if (after.kind === 'lookup' || after.kind === 'verify') {
      replies.push(text(describeReference(b, r)));
    } else if (after.kind === 'confirm_cancel') {
      const ref = after.reference;
      if (r.type === 'reference_found' && r.kind === 'appointment' && r.status === 'booked') {
        replies.push(text(`确认取消预约 ${ref} 吗？确认请回复“是”，回复“不”则保留预约。`));
      } else {
        // Not theirs or unknown read the same, so a stranger learns nothing about someone else's booking.
        replies.push(
          text(
            r.type === 'reference_found'
              ? `预约 ${ref} 之前已经取消了。`
              : `没有找到您名下的预约 ${ref}，请核对预约号。只能取消您本人在本渠道办理的预约；如有疑问可拨打 12345。`,
          ),
        );
        state = { ...state, status: 'idle', form: null };
      }
    } else if (after.kind === 'cancel_appointment' && r.type === 'appointment_cancelled') {
      if (!r.found) replies.push(text(`没有找到您名下的预约 ${r.reference}，请核对预约号。`));
      else if (r.alreadyCancelled) replies.push(text(`预约 ${r.reference} 之前已经取消了。`));
      else {
        replies.push(text(`已取消预约 ${r.reference}。如需重新预约，回复“预约办事”。`));
        events.push({ type: 'appointment.cancelled', id: r.reference });
      }
    } else if (after.kind === 'handoff' && r.type === 'handoff_requested') {
      const vars = { position: String(r.queuePosition), wait: String(r.expectedWaitMinutes) };
      replies.push(text(render(b.dialogue.messages.handoff_queued ?? '', vars)));
      events.push({ type: 'handoff.requested', id: r.id });
      state = { ...state, handoffId: r.id };
    } else if (after.kind === 'forwarded' && r.type === 'forwarded') {
      if (!r.open) {
        // Closed in the meantime (a person or the idle sweep ended it): the assistant is back.
        replies.push(text(b.dialogue.messages.handoff_idle_returned ?? ''));
        state = { ...state, status: 'idle', handoffId: null };
      } else {
        // Once a person has it, they answer; the assistant stays silent.
        if (!r.claimed) {
          const vars = { position: String(r.queuePosition), wait: String(r.expectedWaitMinutes) };
          replies.push(text(render(b.dialogue.messages.handoff_waiting ?? '', vars)));
        }
        events.push({ type: 'handoff.message', id: r.handoffId });
      }
    } else if (after.kind === 'left' && r.type === 'handoff_left') {
      replies.push(text(b.dialogue.messages.handoff_left ?? ''));
      events.push({ type: 'handoff.left', id: r.handoffId });
    } else if (after.kind === 'rated' && r.type === 'rating_recorded') {
      const label = RATING_LABELS[r.level];
      replies.push(
        text(
          r.followUpReference
            ? render(b.dialogue.messages.rating_follow_up ?? '', { label, reference: r.followUpReference })
            : render(b.dialogue.messages.rating_thanks ?? '', { label }),
        ),
      );
      events.push({ type: 'handoff.rated', id: r.handoffId });
      if (r.followUpReference) events.push({ type: 'ticket.created', id: r.followUpReference });
    }
  });
  replies.push(...(step.closing ?? []));
  return { replies, events, state };
}

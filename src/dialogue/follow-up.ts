/**
 * Follow-up questions (issue 14): a message that asks an aspect (材料, 地点,
 * 时限 …) and names no topic of its own is read against the topic the
 * conversation remembers; a clear question of its own still wins; a
 * follow-up with no topic to read it against is asked back, naming no topic.
 * Pure: the engine turns a move into replies and state.
 */
import { ASPECT_LABELS, type Aspect } from '../core/aspects.js';
import type { ConversationState, FormState, TopicMemory } from '../core/conversation.js';
import { OUT_OF_SCOPE, type Parse } from '../core/parse.js';
import { aspectAnswer, followUpMessage, hasOwnAspectAnswer, topicName } from './aspect-answers.js';
import type { Behaviour, FormDef, SlotDef } from './definitions.js';
import { foreignReference } from './foreign-reference.js';
import { asksAboutFiling, asksWhether, isAppointmentCancel, isExplicitCancel, isQuestion, isReferenceQuestion } from './intents-text.js';
import { readSlot } from './slots.js';

/** Conversation moves: never a topic, and never what a follow-up is about. */
const CHAT = new Set(['affirm', 'deny', 'cancel', 'greeting', 'thanks', 'goodbye', 'bot_help', 'human_agent']);
/**
 * A message with its own topic gets that topic's aspect answer only when the
 * aspect is this clear ("身份证快过期了" reads 0.57 materials: the general
 * answer serves it better). Follow-ups, which have only their aspect to go
 * by, use the model's threshold.
 */
const CLEAR_ASPECT = 0.85;
/** Characters up to which a message the model cannot place is read as a vague follow-up. */
const SHORT = 6;
/** Records the conversation made: what a follow-up about them is about. */
const TICKETS = new Set(['complaint', 'suggestion']);

/** How a turn's topic and aspect were decided: for the trace, the review queue and eval. */
export interface TopicUse {
  /** The matter the turn was taken to be about (an intent id), or null. */
  topic: string | null;
  aspect: Aspect | null;
  /**
   * follow_up: read against the remembered topic; message: the message's own
   * intent; ask_topic: a follow-up with no topic, asked back; ask_aspect: the
   * topic is known, the question is not; none: not understood; words: the
   * message's own words decided, not the model (danger, 我要投诉).
   */
  via: 'follow_up' | 'message' | 'ask_topic' | 'ask_aspect' | 'none' | 'words';
}

export type FollowUpMove =
  /** Answer; closeForm ends a consultation form the answer replaces. */
  | { kind: 'answer'; text: string; suggestions?: string[]; use: TopicUse; closeForm?: boolean }
  /** Answer inside a form that goes on afterwards (the engine repeats its question). */
  | { kind: 'resume'; text: string; use: TopicUse }
  /** 怎么预约 about a bookable service: the appointment form, the service already known. */
  | { kind: 'book'; service: string; use: TopicUse }
  /** A clarifying question instead of a guess. */
  | { kind: 'ask'; text: string; use: TopicUse };

/** The remembered topic, unless it is older than the conversation's expiry. */
export function liveTopic(b: Behaviour, state: ConversationState, now: Date): TopicMemory | null {
  const topic = state.topic;
  if (!topic) return null;
  return now.getTime() - topic.at > b.dialogue.expiry_minutes * 60_000 ? null : topic;
}

/**
 * The move for a follow-up, or null when the message is not one (the engine
 * then routes it as it always has). Runs after handoffs, escalations and
 * ratings have had their say, so a follow-up during a handoff is forwarded.
 */
export function resolveFollowUp(b: Behaviour, state: ConversationState, parse: Parse, now: Date): FollowUpMove | null {
  // A model trained before aspects existed reads no follow-ups.
  if (!parse.aspect) return null;
  const aspect = parse.aspect.aspect;
  if (!aspect && CHAT.has(parse.intent)) return null;
  // Requests about a record (取消预约 A…, 我的工单号) and a plain 取消 have their own handling.
  if (isExplicitCancel(parse) || isAppointmentCancel(parse) || isReferenceQuestion(parse)) return null;
  if (parse.entities.some((e) => e.type === 'reference')) return null;
  const named = (parse.topics ?? []).filter((n) => !CHAT.has(n) && b.intents.has(n));
  if (state.form) return inForm(b, state, parse, aspect, named, now);
  const topic = liveTopic(b, state, now);
  const own = named.find((n) => n !== topic?.intent);
  // 需要先预约吗 about a bookable service: booking is that service's appointment aspect. About a
  // matter we cannot book (疫苗, 年检), the booking form would only list what it can book: say what
  // we know of that matter instead.
  if (own === 'appointment' && aspect === 'appointment' && topic) {
    if (b.services.has(topic.intent)) return aboutTopic(b, topic, aspect);
    if (b.intents.get(topic.intent)?.topic && asksWhether(parse)) return answer(b, topic.intent, aspect, 'follow_up');
  }
  if (own) {
    // A clear question of its own wins over the memory; when it asks an
    // aspect we have an answer for, that answer is the better reply.
    if (aspect && parse.aspect.score >= CLEAR_ASPECT && parse.intent === own && answersAspect(b, own, aspect)) {
      return answer(b, own, aspect, 'message');
    }
    return null;
  }
  if (topic) {
    // 我住在闵行 after 在哪里办 (whose answer asks for the district): that district's hall for the topic.
    const district = parse.entities.find((e) => e.type === 'district');
    const hall = district && named.length === 0 && [...parse.normalised].length <= 10 ? b.halls.get(district.value) : undefined;
    if (hall && b.services.has(topic.intent) && (!aspect || aspect === 'place')) {
      return { kind: 'answer', text: hallAnswer(b, topic.intent, hall), use: { topic: topic.intent, aspect: 'place', via: 'follow_up' } };
    }
    if (aspect) return aboutTopic(b, topic, aspect);
    // Not a question we can place: rather than guess, ask which aspect. Only
    // for a few words (还有呢, 其他的呢): a longer message the model cannot
    // place is more likely a new matter ("我的电动车被偷了") than a follow-up.
    if (named.length === 0 && parse.intent === OUT_OF_SCOPE && [...parse.normalised].length <= SHORT) {
      return {
        kind: 'ask',
        text: followUpMessage(b, 'follow_up_which_aspect', { topic: topicName(b, topic.intent) }),
        use: { topic: topic.intent, aspect: null, via: 'ask_aspect' },
      };
    }
    return null;
  }
  if (!aspect || named.length > 0) return null;
  // 帮我预约 with nothing to book yet: the appointment form asks the service.
  if (aspect === 'appointment' && parse.intent === 'appointment') return null;
  return {
    kind: 'ask',
    text: followUpMessage(b, 'follow_up_which_topic', { aspect: ASPECT_LABELS[aspect] }),
    use: { topic: null, aspect, via: 'ask_topic' },
  };
}

/** An aspect of the remembered topic: a service, or the appointment or ticket just made. */
function aboutTopic(b: Behaviour, topic: TopicMemory, aspect: Aspect): FollowUpMove | null {
  if (topic.intent === 'appointment' && topic.service) {
    const use: TopicUse = { topic: 'appointment', aspect, via: 'follow_up' };
    if (aspect === 'place' && topic.district) {
      const hall = b.halls.get(topic.district);
      if (hall) {
        const vars = {
          service: topicName(b, topic.service),
          reference: topic.reference ?? '',
          hall: hall.name,
          address: hall.address,
          hours: hall.hours,
        };
        return { kind: 'answer', text: followUpMessage(b, 'follow_up_appointment_place', vars), use };
      }
    }
    if (aspect === 'appointment') return null;
    return { kind: 'answer', text: aspectAnswer(b, topic.service, aspect), use };
  }
  if (TICKETS.has(topic.intent)) {
    if (aspect !== 'duration' && aspect !== 'process') return null;
    const vars = { reference: topic.reference ?? '', kind: topic.intent === 'complaint' ? '投诉' : '建议' };
    return {
      kind: 'answer',
      text: followUpMessage(b, 'follow_up_ticket_duration', vars),
      use: { topic: topic.intent, aspect, via: 'follow_up' },
    };
  }
  if (!b.intents.get(topic.intent)?.topic) return null;
  if (aspect === 'appointment' && b.services.has(topic.intent)) {
    return { kind: 'book', service: topic.intent, use: { topic: topic.intent, aspect, via: 'follow_up' } };
  }
  return answer(b, topic.intent, aspect, 'follow_up');
}

/** Where a service is done in a district: that district's hall, its address and hours. */
function hallAnswer(b: Behaviour, service: string, hall: { name: string; address: string; hours: string }): string {
  return `${topicName(b, service)}可以在${hall.name}办理（${hall.address}，${hall.hours}）。`;
}

/** The question a form is waiting on. */
export function pendingSlot(form: FormState, formDef: FormDef): SlotDef | undefined {
  return formDef.slots.find((s) => s.name === form.pending);
}

/** Inside a form: about the service being booked, or instead of a consultation form's question. */
function inForm(
  b: Behaviour,
  state: ConversationState,
  parse: Parse,
  aspect: Aspect | null,
  named: string[],
  now: Date,
): FollowUpMove | null {
  const form = state.form;
  const formDef = form ? b.intents.get(form.intent)?.form : undefined;
  if (!form || !formDef) return null;
  // At a ticket's description only a question about filing itself (怎么投诉比较快, 投诉要留电话吗) is
  // answered, then asked again; any other question there (楼下噪音这么大有人管吗) is the complaint.
  if (TICKETS.has(form.intent) && pendingSlot(form, formDef)?.type === 'text' && isQuestion(parse) && asksAboutFiling(parse)) {
    const about = aspect && hasOwnAspectAnswer(b, form.intent, aspect) ? aspect : 'process';
    return { kind: 'resume', text: aspectAnswer(b, form.intent, about), use: { topic: form.intent, aspect: about, via: 'follow_up' } };
  }
  if (!aspect) return null;
  if (aspect === 'appointment') {
    // 要预约吗 while a consultation form asks which case: booking that service, as after its answer.
    const bookable = formDef.answer_from && b.services.has(form.intent);
    if (!bookable || named.some((n) => n !== form.intent && n !== 'appointment')) return null;
    return { kind: 'book', service: form.intent, use: { topic: form.intent, aspect, via: 'follow_up' } };
  }
  // A value for the form (昨天 for the date, even one it must refuse) is the form's.
  for (const slot of formDef.slots) {
    if (slot.type === 'text' || slot.type === 'place') continue;
    const reading = readSlot(slot, parse, now, b, { asked: slot.name === form.pending });
    if (reading.ok || reading.reason) return null;
  }
  if (form.intent === 'appointment') {
    const service = form.slots.service;
    if (!service || named.some((n) => n !== service && n !== 'appointment')) return null;
    const district = form.slots.district;
    const hall = aspect === 'place' && district ? b.halls.get(district) : undefined;
    const text = hall ? hallAnswer(b, service, hall) : aspectAnswer(b, service, aspect);
    return { kind: 'resume', text, use: { topic: service, aspect, via: 'follow_up' } };
  }
  // Filing a ticket, a question about it at the place or phone prompt
  // (要提供照片吗, 多久会有人来处理) is answered, then the form asks again,
  // rather than taken as the place or refused as a number. Not at the
  // description, where 楼下噪音这么大有人管吗 is the complaint itself.
  if (TICKETS.has(form.intent)) {
    const slot = pendingSlot(form, formDef);
    // Another matter (社保怎么交) is a digression the form answers in passing. The model's intent decides
    // here, not the leftover words: 有人/处理 in 多久会有人来处理 read as an emergency.
    // 多久会有人来处理 reads as a progress query (0.37); one naming a number (编号TS20240401) is about that record.
    const progress = parse.intent === 'progress_query' && foreignReference(parse) === null;
    const elsewhere = parse.intent !== OUT_OF_SCOPE && parse.intent !== form.intent && !progress;
    if (!slot || slot.type === 'text' || elsewhere || !isQuestion(parse)) return null;
    if (slot.type === 'place' && parse.entities.some((e) => e.type === 'district')) return null;
    return { kind: 'resume', text: aspectAnswer(b, form.intent, aspect), use: { topic: form.intent, aspect, via: 'follow_up' } };
  }
  // A consultation (answer_from) form asks which case; an aspect question
  // about the same matter is answered instead. Materials are what the
  // case question is for (公积金提取 lists them per purpose), so it goes on,
  // saying so, rather than reading 要准备哪些材料 as some other matter.
  if (!formDef.answer_from) return null;
  if (named.some((n) => n !== form.intent)) return null;
  if (aspect === 'materials') {
    const text = followUpMessage(b, 'follow_up_materials_by_case', { topic: topicName(b, form.intent) });
    return { kind: 'resume', text, use: { topic: form.intent, aspect, via: 'follow_up' } };
  }
  return { ...answer(b, form.intent, aspect, 'follow_up'), closeForm: true };
}

/**
 * Whether a question with its own topic gets the aspect answer rather than
 * the intent's usual reply: not for 怎么办 (the usual answer is the process),
 * nor where a form tells cases apart (居住证续签 has its own answer).
 */
function answersAspect(b: Behaviour, intent: string, aspect: Aspect): boolean {
  const def = b.intents.get(intent);
  return Boolean(def?.topic && !def.form && aspect !== 'process' && hasOwnAspectAnswer(b, intent, aspect));
}

function answer(b: Behaviour, intent: string, aspect: Aspect, via: TopicUse['via']): FollowUpMove & { kind: 'answer' } {
  const def = b.intents.get(intent);
  return { kind: 'answer', text: aspectAnswer(b, intent, aspect), suggestions: def?.follow_ups, use: { topic: intent, aspect, via } };
}

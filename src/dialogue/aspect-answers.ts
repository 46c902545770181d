/**
 * Answers about one aspect of a service (its `aspects` in intents/*.yaml),
 * and, where an intent has none for the aspect, a default that says what the
 * assistant does know and where the rest is published. Pure.
 */
import { ASPECT_LABELS, type Aspect } from '../core/aspects.js';
import type { Behaviour } from './definitions.js';
import { render } from './slots.js';

/**
 * The follow-up messages of intents/dialogue.yaml, with the wording used when
 * a deployment's dialogue.yaml predates them.
 */
export const FOLLOW_UP_MESSAGES = {
  follow_up_which_aspect: '关于{topic}，您是想问材料、办理地点还是时限？也可以问费用、能否网上办理、办理条件、流程或能否代办。',
  follow_up_which_topic: '请问您想了解哪项业务的{aspect}？请告诉我业务名称，例如“居住证”“身份证”“公积金提取”。',
  aspect_default:
    '关于{topic}的{aspect}，我这里还没有确切的信息。我知道的是：\n{answer}\n{aspect}请以“一网通办”或“随申办”上该事项的办事指南为准，也可以到街镇社区事务受理服务中心或拨打 12345 咨询。',
  aspect_note: '（示例信息，办理前请在“一网通办”或“随申办”核实。）',
  follow_up_materials_by_case: '{topic}需要的材料要看您的情况，先确认一下。',
  follow_up_appointment_place: '您预约的{service}（{reference}）在{hall}办理。\n地址：{address}\n办公时间：{hours}',
  follow_up_ticket_duration:
    '您的{kind}（{reference}）已受理，工作人员一般会在 3 个工作日内联系您，办结时间视问题而定（以实际处理时限为准）。发送工单号即可随时查询进度。',
} as const;
export type FollowUpMessageKey = keyof typeof FOLLOW_UP_MESSAGES;

/** Placeholders each follow-up message may use (lint renders them). */
export const FOLLOW_UP_MESSAGE_VARS: Record<FollowUpMessageKey, string[]> = {
  follow_up_which_aspect: ['topic'],
  follow_up_which_topic: ['aspect'],
  aspect_default: ['topic', 'aspect', 'answer'],
  aspect_note: [],
  follow_up_materials_by_case: ['topic'],
  follow_up_appointment_place: ['service', 'reference', 'hall', 'address', 'hours'],
  follow_up_ticket_duration: ['kind', 'reference'],
};

export function followUpMessage(b: Behaviour, key: FollowUpMessageKey, vars: Record<string, string>): string {
  return render(b.dialogue.messages[key] ?? FOLLOW_UP_MESSAGES[key], vars);
}

/** How citizens name a matter: its `topic`, else its bookable service's name, else its form's. */
export function topicName(b: Behaviour, intent: string): string {
  const def = b.intents.get(intent);
  return def?.topic ?? b.services.get(intent)?.name ?? def?.form?.name ?? intent;
}

export function hasOwnAspectAnswer(b: Behaviour, intent: string, aspect: Aspect): boolean {
  return Boolean(b.intents.get(intent)?.aspects?.[aspect]);
}

export function aspectAnswer(b: Behaviour, intent: string, aspect: Aspect): string {
  const def = b.intents.get(intent);
  const own = def?.aspects?.[aspect];
  if (own) return `${own}\n${followUpMessage(b, 'aspect_note', {})}`;
  return followUpMessage(b, 'aspect_default', {
    topic: topicName(b, intent),
    aspect: ASPECT_LABELS[aspect],
    answer: def?.answer ?? '',
  });
}

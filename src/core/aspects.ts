/**
 * Aspects of a service a citizen asks about (issue 14): what to bring, where,
 * how long, how much, online, who qualifies, the steps, who may act for
 * someone, and booking. A follow-up such as "需要带什么材料" names an aspect
 * and no topic; the conversation supplies the topic.
 */
export const ASPECTS = ['materials', 'place', 'duration', 'cost', 'online', 'conditions', 'process', 'proxy', 'appointment'] as const;
export type Aspect = (typeof ASPECTS)[number];

export const isAspect = (s: string | null | undefined): s is Aspect => (ASPECTS as readonly string[]).includes(s ?? '');

/** The aspects each service intent answers in intents/*.yaml (booking is the appointment form's job). */
export const ANSWERED_ASPECTS = ['materials', 'place', 'duration', 'cost', 'online', 'conditions', 'process', 'proxy'] as const;

/** How a citizen would name each aspect (replies and the console). */
export const ASPECT_LABELS: Record<Aspect, string> = {
  materials: '所需材料',
  place: '办理地点',
  duration: '办理时限',
  cost: '费用',
  online: '网上办理',
  conditions: '办理条件',
  process: '办理流程',
  proxy: '代办',
  appointment: '预约',
};

/** What understanding says about the aspect of one message. */
export interface AspectReading {
  /** The aspect asked, or null when the message asks none (or the model is unsure). */
  aspect: Aspect | null;
  /** The winning class's share (of the aspects and None). */
  score: number;
}

/** Small text tests the engine applies on top of the classifier's intent. */
import type { ConversationState } from '../core/conversation.js';
import type { Parse } from '../core/parse.js';

const CANCEL = /^(取消|算了|不办了|不弄了|退出|不用了|不要了|不预约了|不投诉了|不查了|结束|停止)/;
const AFFIRM = /^(是|是的|对|对的|好|好的|确认|没错|可以|嗯|行|ok|okay|yes|y|确定|提交|没问题)[的啊吧呀了。.!！]*$/;
const DENY = /^(不是|不对|错了|不|否|no|n|有误|不正确)/;
const QUESTION = /[?？吗呢]$|怎么|如何|哪里|哪儿|什么|多久|几天|能不能|可不可以|是否/;
// Anywhere in the message (要预约吗还是直接放楼下); 什么/怎么 are not the particle 么.
const WHETHER = /吗|(?<![什怎这那多])么|嘛|[?？]|要不要|需不需要|用不用|是否|得不得/u;

const BARE_NUMBER = /^[0-9][0-9\s-]*[?？。.!！]*$/;
/** 88 / 886 (拜拜 in chat slang) are the only numbers that mean goodbye. */
const GOODBYE_NUMBER = /^8{2,}6?[。.!！]*$/;
const HOTLINE = /^12345[?？。.!！]*$/;

/** A message that is only a number: never a yes, a no or a goodbye (886 aside). */
export const isBareNumber = (p: Parse) => BARE_NUMBER.test(p.normalised.trim()) && !GOODBYE_NUMBER.test(p.normalised.trim());
/** 88 / 886: digits look alike to the classifier, so the words decide. */
export const isGoodbyeNumber = (p: Parse) => GOODBYE_NUMBER.test(p.normalised.trim());
/** 我要投诉供电公司, 我想举报: the citizen asks to file a complaint, whatever else the message is about. */
export const isComplaintRequest = (p: Parse) => /(?:我|俺|咱)们?(?:要|想|得|必须|一定要|坚决)(?:投诉|举报)/u.test(p.normalised);
/** 12345 on its own: the citizen names the hotline (and may ask what it is). */
export const isHotlineNumber = (p: Parse) => HOTLINE.test(p.normalised.trim());
/** The citizen's own words say stop (取消, 算了 …), whatever the classifier thinks. */
export const isExplicitCancel = (p: Parse) => CANCEL.test(p.normalised) && [...p.normalised].length <= 10;
export const isCancel = (p: Parse) => p.intent === 'cancel' || isExplicitCancel(p);
/**
 * 算了，不投诉了，我想问下社保怎么交: says stop, then goes on to something else.
 * Not 取消/结束/停止/退出, which also begin a matter (取消预约怎么操作, 停止缴纳社保).
 */
const STOP_THEN = /^(算了|不办了|不弄了|不用了|不要了|不约了|不预约了|不投诉了|不查了|不问了)/;
export const stopsThenGoesOn = (p: Parse) => STOP_THEN.test(p.normalised) && !isExplicitCancel(p);
export const isAffirm = (p: Parse) => AFFIRM.test(p.normalised) || (p.intent === 'affirm' && [...p.normalised].length <= 8);
export const isDeny = (p: Parse) => p.intent === 'deny' || DENY.test(p.normalised);
export const isQuestion = (p: Parse) => QUESTION.test(p.normalised);
/** Asks whether something is so (要预约吗, 需不需要预约) rather than asking for it (帮我预约明天下午). */
export const asksWhether = (p: Parse) => WHETHER.test(p.normalised);
/** The appointment number the message names (A20261125-0001), if any. */
export const namedAppointment = (p: Parse): string | undefined =>
  p.entities.find((e) => e.type === 'reference' && e.kind === 'appointment')?.value;
/** The appointment this conversation made last, if its last record was one. */
export const lastAppointment = (state: ConversationState): string | null =>
  state.lastReference?.startsWith('A') ? state.lastReference : null;
/** 取消预约 A20261125-0001 / 我要取消预约 */
export const isAppointmentCancel = (p: Parse) =>
  /取消|撤销|不去了/.test(p.normalised) && (/预约/.test(p.normalised) || namedAppointment(p) !== undefined);
/**
 * 怎么投诉比较快？, 投诉要留电话吗, 建议多久有回复: a short question about filing a
 * complaint or suggestion itself, not a grievance put as a question
 * (我投诉过好几次了为什么没人管, 楼下噪音这么大有人管吗).
 */
export const asksAboutFiling = (p: Parse) =>
  [...p.normalised].length <= 16 &&
  /(?<!过)(?:投诉|举报|建议)(?!过)/u.test(p.normalised) &&
  /怎么|如何|怎样|多久|多长时间|几天|要不要|需不需要|需要|要.{0,6}吗|能不能|可不可以|可以.{0,6}吗|在哪|哪里|流程|步骤|收费/u.test(
    p.normalised,
  ) &&
  !/为什么|为啥|凭什么|怎么还|怎么又|怎么没/u.test(p.normalised);
/**
 * 地址写错了，是锦绣路2号 / 地点改成南京东路2号: the new place, what follows
 * 是/改成/为 to the end of the sentence, in the citizen's own words (a place
 * is free text, which the slot readers cannot pick out of a sentence).
 */
export const correctedPlace = (p: Parse): string | undefined =>
  /(?:改成|改为|换成|应该是|是|为|在)[:：\s]*([^，,。!！?？]{2,})[。!！]*$/u.exec(p.text.trim())?.[1]?.trim();
/** 我想把预约改到下周二: moving an appointment, which is cancelling it and booking again. */
export const isReschedule = (p: Parse) =>
  /预约/.test(p.normalised) && /改到|改成|改期|改时间|换到|换个时间|换一天|推迟|延期|提前到|往后推/.test(p.normalised);
/** Words that name cancelling a booking (帮我取消, 不去了), not a mere 算了. */
export const isCancelWords = (p: Parse) => /取消|撤销|不去了|去不了|不约了|不预约了/.test(p.normalised);
/** 明天, 下周五上午, 3点: a message that is only a date, time or period (and particles). */
export function isOnlyWhen(p: Parse): boolean {
  const when = p.entities.filter((e) => e.type === 'date' || e.type === 'time' || e.type === 'period');
  if (when.length === 0) return false;
  let rest = p.normalised;
  for (const e of [...when].sort((a, b) => b.start - a.start)) rest = rest.slice(0, e.start) + rest.slice(e.end);
  return /^[\s,，。.!！?？吧啊呀呢吗的了]*$/u.test(rest);
}
/** 我的预约号是多少 / 工单号忘了: asks for a number already issued. */
export const isReferenceQuestion = (p: Parse) =>
  /(预约|工单|受理|办件)(号|编号)|我的(预约|工单)|刚才的(预约|工单)/.test(p.normalised) && !/取消|撤销/.test(p.normalised);

/** 好差评 levels, best first; the labels are the national standard's wording. */
export const RATING_LABELS: Record<1 | 2 | 3 | 4 | 5, string> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};

/**
 * A rating answer: a leading digit 1–5 or one of the five labels (longest
 * first, so 非常不满意 is not read as 满意), the rest as an optional comment.
 */
export function readRating(p: Parse): { level: 1 | 2 | 3 | 4 | 5; comment: string | null } | null {
  const t = p.normalised.trim();
  // The comment is the citizen's own words (normalisation keeps lengths, so the raw text is cut where the rating ends).
  const raw = p.text.trim();
  const rest = (from: number) =>
    raw
      .slice(from)
      .replace(/^[\s,，。.!！:：、]+/u, '')
      .trim() || null;
  const digit = /^([1-5])(?![0-9])/u.exec(t);
  if (digit) return { level: Number(digit[1]) as 1 | 2 | 3 | 4 | 5, comment: rest(1) };
  const words: Array<[string, 1 | 2 | 3 | 4 | 5]> = [
    ['非常不满意', 1],
    ['很不满意', 1],
    ['非常满意', 5],
    ['很满意', 5],
    ['基本满意', 3],
    ['不满意', 2],
    ['满意', 4],
  ];
  for (const [word, level] of words) {
    const at = t.indexOf(word);
    if (at >= 0 && at <= 2) return { level, comment: rest(at + word.length) };
  }
  return null;
}

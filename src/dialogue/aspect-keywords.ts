/**
 * A keyword baseline for the aspect of a message, kept to measure the aspect
 * classifier against (`npm run eval -- --data FILE --aspect-baseline`,
 * docs/nlu.md): hand-written patterns, first match wins. Not used to answer.
 */
import type { Aspect, AspectReading } from '../core/aspects.js';

const PATTERNS: Array<[Aspect, RegExp]> = [
  ['proxy', /代办|代领|委托|本人|亲自|家人|别人|家属|替我|帮我办|子女/],
  ['appointment', /预约|约号|取号|排号|约个|提前约/],
  ['cost', /多少钱|收费|费用|免费|要钱|工本费|交钱|价格|花钱/],
  ['online', /网上|线上|在线|手机|随申办|一网通办|app|小程序|网办|不用跑|邮寄/],
  ['duration', /多久|多长时间|几天|时限|什么时候|到账|当天|几个工作日|周期|有效期/],
  ['place', /哪里|哪儿|哪个部门|地址|窗口|地点|在哪|去哪|哪能/],
  ['materials', /材料|证件|证明|带什么|带啥|资料|准备什么|准备啥|复印件|照片/],
  ['conditions', /条件|资格|要求|符合|能办吗|可以申请|门槛|限制/],
  ['process', /流程|步骤|怎么办|怎么弄|怎么申请|手续|程序|怎么操作|咋办|咋弄/],
];

export function keywordAspect(normalised: string): AspectReading {
  for (const [aspect, re] of PATTERNS) if (re.test(normalised)) return { aspect, score: 1 };
  return { aspect: null, score: 0 };
}

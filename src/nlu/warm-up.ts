/**
 * Warming a model before it serves. A fresh process compiles lazily: jieba's
 * first cuts, the classifier's first activations and above all the date
 * recognizer, whose hundreds of regular expressions V8 compiles the first
 * time each is tried — measured in fresh processes (`npm run bench:nlu`),
 * a first parse took 8–26 ms unwarmed, and 0.3–15 ms after the four
 * parses that used to warm it; these bring it to 0.1–0.3 ms. The texts below were written for this
 * (not taken from any corpus) to walk every stage: traditional characters,
 * full-width and pinyin input, corrections, every entity extractor and the
 * date recognizer's common paths — relative days, weekdays, dates, times,
 * periods, months, holidays, durations — and the forms the fast path for
 * common dates leaves to it (ranges, sets, 约下午3点, 12点, 中秋节晚上), with
 * the lunar calendar. Run at start-up before /readyz says
 * ready, and on a swapped-in model before it is published.
 */
import { setImmediate } from 'node:timers/promises';
import type { NluModel } from './model.js';

/** Exported for the test that checks they reach every stage. */
export const WARM_UP_TEXTS: readonly string[] = [
  '你好',
  '谢谢，再见',
  '转人工',
  '我想提取公积金',
  '居住證怎麼續簽？',
  'ＡＢＣ１２３怎么办',
  'ju zhu zheng zen me ban',
  'gongjijin',
  '居住正过期了',
  '明天上午在浦东预约办居住证',
  '下周三下午',
  '下下周五上午',
  '这周六能办吗',
  '本周日下午三点',
  '星期一早上',
  '礼拜四中午',
  '12月3号',
  '12月3日下午',
  '1月15日上午9点',
  '2027年1月8日',
  '3天后',
  '两周后',
  '一个月以后',
  '今天下午',
  '后天上午10点半',
  '大后天',
  '昨天晚上',
  '前天凌晨',
  '下个月初',
  '月底之前',
  '年底',
  '国庆节后',
  '春节前',
  '元旦',
  '中秋节',
  '中秋节晚上',
  '从明天到后天都可以',
  '每周三上午',
  '约下午3点',
  '下午3点30分',
  '中午12点休息吗',
  '晚上8点以后',
  '早上7点',
  '傍晚六点',
  '今晚',
  '明早',
  '15号',
  '周末',
  '下周',
  '上个月交的',
  '预约明天9点浦东市民中心',
  '帮我约12月10号下午在闵行区办社保卡',
  '查一下T20261125-0001的进度',
  '取消预约A20261125-0001',
  '我的电话是13812345678，座机021-62345678',
  '身份证号310101199001011234',
  '车牌沪A12345被贴条了',
  '投诉徐汇区漕溪北路100号晚上施工噪音太大',
  '我从外地来上海工作快半年了，公司说要办居住证，孩子以后才能在这边上学，需要准备什么材料',
  '塑料瓶是什么垃圾',
  '浦东新区行政服务中心在哪里',
];

/**
 * Rounds of the warm-up texts on other days, so that the date recognizer
 * runs again on windows it has cached only for today: its first runs in a
 * process are its slowest, as V8 has not yet optimised the code. Measured in
 * fresh processes on the 2-core machine shared with other work (docs/nlu.md),
 * the held-out texts that reach it took a median 1.6–2.2 ms after the two
 * passes alone and 1.0–1.6 ms after ten or thirty such rounds, for 0.3–0.6 s
 * more warm-up.
 */
export const RECOGNIZER_ROUNDS = 10;

const DAY_MS = 86_400_000;

/** One pass over the texts per step: two on the day itself (the second reaches code V8 optimises after the first), then the rounds. */
function* warmUpSteps(model: NluModel, now: Date, recognizerRounds: number): Generator<void, number> {
  let parses = 0;
  for (let round = 0; round < 2 + recognizerRounds; round++) {
    const day = round < 2 ? now : new Date(now.getTime() - (round - 1) * DAY_MS);
    for (const text of WARM_UP_TEXTS) model.parse(text, day);
    parses += WARM_UP_TEXTS.length;
    yield;
  }
  return parses;
}

/** Warms a model before it serves: at start-up, before /readyz says ready, and in each parse thread. */
export function warmUp(
  model: NluModel,
  now: Date = new Date(),
  recognizerRounds: number = RECOGNIZER_ROUNDS,
): { parses: number; ms: number } {
  const started = performance.now();
  const steps = warmUpSteps(model, now, recognizerRounds);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return { parses: step.value, ms: performance.now() - started };
}

/**
 * The same, yielding to the event loop between passes: a swapped-in model
 * is warmed while the serving one answers, which a 0.5 s warm-up in one
 * piece would hold up.
 */
export async function warmUpYielding(
  model: NluModel,
  now: Date = new Date(),
  recognizerRounds: number = RECOGNIZER_ROUNDS,
): Promise<{ parses: number; ms: number }> {
  const started = performance.now();
  const steps = warmUpSteps(model, now, recognizerRounds);
  let step = steps.next();
  while (!step.done) {
    await setImmediate();
    step = steps.next();
  }
  return { parses: step.value, ms: performance.now() - started };
}

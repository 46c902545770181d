/**
 * The commonest date expressions, read without the recognizer, which costs
 * 0.5–4 ms on a window it has not seen (dates.ts):
 * - 今天/明天/后天/大后天/昨天/前天; 周三/星期三/礼拜三 alone or after
 *   这/这个/本/上/上个/下/下个; 12月3号/日; 下个月15号;
 * - after those, or alone: 上午/早上/下午/晚上, and on them 3点/十点半
 *   (hours 1–11); 今晚/明晚/昨晚/今早/明早 likewise; 九点 alone; 每天晚上;
 * - after a day without a period: 明天9点 (09:00; 21:00 on a past day such
 *   as 上周三9点, as the recognizer picks it);
 * - holidays alone: 元旦, 春节, 清明(节), 劳动节, 端午(节), 中秋(节),
 *   国庆节; the lunar ones on their lunar dates (lunar-dates.ts), where the
 *   recognizer, wrongly, reads them as Gregorian (春节 → 1 January);
 * - a day alone followed by 开始/起/以后/之后/以前/之前/以来/前/后: a range,
 *   no entity; 每天晚上8点 (every day) and 国庆 without 节: no entity either;
 * - two dates in one window apart (不是12月3号,是12月5号), each as above.
 *
 * The recognizer is the reference: these resolve exactly as it resolves them
 * (same spans; the first candidate on or after today; its hours, 晚上8点 is
 * 20:00 and 九点 09:00), which test/nlu/common-dates.test.ts checks against
 * it on a grid of expressions, pairs of them, contexts and reference days.
 * Anything else, or any doubt, is `undefined` and the window goes to the
 * recognizer: 下下周三 (it reads 下周三 in it), 12点, 2月29号, 从明天,
 * 明天到后天, 周五周六, 明天的话下午3点 (one datetime to it), 中秋节晚上,
 * 早上7点到10点, durations.
 *
 * Doubt includes the rest of the window, which the recognizer also reads: a
 * character there could join the expression (明天以后天, 约下午3点, 打明天 is
 * "from tomorrow") or be a date of its own. So every other character must be
 * inert: a Han character in none of the recognizer's Chinese date-time
 * patterns (no pattern can match through it), a few punctuation marks, or a
 * common one of INERT, INERT_AFTER and INERT_WORDS, which are in its patterns
 * but were checked against it next to every kind of expression, alone and
 * in every pair.
 */
import { addDays, weekday } from '../../core/clock.js';
import { comingLunarDate } from './lunar-dates.js';

export interface Found {
  date?: string;
  period?: 'am' | 'pm';
  time?: string;
  start: number;
  /** exclusive */
  end: number;
}

const DAY_WORDS: Record<string, number> = { 大后天: 3, 后天: 2, 明天: 1, 今天: 0, 昨天: -1, 前天: -2 };
const WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
const PERIODS: Record<string, 'am' | 'pm'> = { 上午: 'am', 早上: 'am', 下午: 'pm', 晚上: 'pm' };
/** 今晚 is 今天晚上, 明早 明天早上. */
const DAY_PERIODS: Record<string, [number, 'am' | 'pm']> = {
  今晚: [0, 'pm'],
  明晚: [1, 'pm'],
  昨晚: [-1, 'pm'],
  今早: [0, 'am'],
  明早: [1, 'am'],
};
/** Month and day; lunar ones are resolved by lunar-dates.ts (the recognizer's own reading of them is wrong). */
const HOLIDAYS: Record<string, [month: number, day: number, lunar?: 'lunar']> = {
  元旦: [1, 1],
  春节: [1, 1, 'lunar'],
  清明: [4, 4],
  清明节: [4, 4],
  劳动节: [5, 1],
  端午: [5, 5, 'lunar'],
  端午节: [5, 5, 'lunar'],
  中秋: [8, 15, 'lunar'],
  中秋节: [8, 15, 'lunar'],
  国庆节: [10, 1],
};
const HOURS: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11 };

const hour = (n: number) => `(?<h${n}>1[01]|[1-9]|十一|[一两二三四五六七八九十])点(?<half${n}>半)?`;
const EXPRESSION = new RegExp(
  [
    '(?:(?<word>大后天|后天|明天|今天|昨天|前天)',
    '|(?<wdAll>(?<rel>这个?|本|上个?|下个?)?(?:周|星期|礼拜)(?<wd>[一二三四五六日天]))',
    '|(?<monthDay>(?<month>1[0-2]|[1-9])月(?<day>3[01]|[12][0-9]|[1-9])[日号])',
    '|(?<nextMonth>下个?月(?<nextMonthDay>3[01]|[12][0-9]|[1-9])[日号])',
    // A holiday only alone: 中秋节晚上 is two entities to the recognizer, not one.
    '|(?<holiday>元旦|春节|清明节|清明(?!天)|劳动节|端午节|端午(?!后)|中秋节?|国庆节))',
    // 明天9点 is 09:00 to the recognizer, as 九点 alone is.
    `(?:(?<p1>上午|早上|下午|晚上)(?:${hour(1)})?|${hour(5)})?`,
    // 每天晚上 is 晚上 to the recognizer, but 每天晚上8点 a set (every day) it gives no entity for.
    `|(?<every>每天)?(?<p2>上午|早上|下午|晚上)(?:${hour(2)})?`,
    // 今晚上 the recognizer reads as 晚上 alone.
    `|(?<dp>今晚|明晚|昨晚|今早|明早)(?!上)(?:${hour(3)})?`,
    `|${hour(4)}`,
    // 国庆 without 节 the recognizer does not read as a day.
    '|(?<nothing>国庆)(?!节)',
  ].join(''),
  'u',
);

const EXPRESSIONS = new RegExp(EXPRESSION.source, 'gu');

/** In the recognizer's patterns, but checked inert next to every expression above (see the test). */
export const INERT = '的去要在不还能会可约人长大来成生小安新嘉青度情于开中期这个天到过出又多号最几和之间儿或也';
/**
 * Inert after an expression, and before it only when a character outside the recognizer's patterns stands
 * between (上海明天): 上周三 and 上的周三 are last week's, 每个周三 every Wednesday, 从明天 from tomorrow,
 * 打明天 from tomorrow too (but 明天打电话). Latin letters and the space (明天wifi, 今晚 ) are in its
 * patterns' syntax but joined no expression in any pair of letters after one (3点pm included), checked
 * against the recognizer; nor did 动 (不动产), 正 (正常) and 超 (超过). Each is in the test's grid.
 * Every character added here took windows from the recognizer on the training and development texts
 * (53 of 238 → 41), each 0.3–1 ms (issue 15 item 9).
 */
export const INERT_AFTER = `上下每从点打动正超 ${'abcdefghijklmnopqrstuvwxyz'}`;
/** Words inert as a whole, though 以 alone is not (以后, 以来). Not 时间: 上时 and 小时 are read as times. */
const INERT_WORDS = /可以/gu;
/** After a day alone, these make it a range the recognizer reports and we drop (明天以后, 3月1号开始, 周五前). */
const RANGE_AFTER = /^(?:开始|以后|之后|以前|之前|以来|起|前|后)(?!天)/u; // not 明天以后天: 后天
/** Inert beside one expression, but between two they make a range or a choice the recognizer reads as one. */
const JOINERS = new Set('到至和或还也');
const PUNCTUATION = new Set([...',.?!;。、“”‘’()《》【】…']);
const HAN = /\p{Script=Han}/u;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** ISO weekday (1 = Monday … 7 = Sunday) of a YYYY-MM-DD date. */
const isoWeekday = (date: string) => weekday(date) || 7;

/**
 * Builds the reader. `patternChars`: every character of the recognizer's
 * Chinese date-time patterns (computed from its resources in dates.ts).
 */
export function commonDateReader(
  patternChars: ReadonlySet<string>,
  inertWords: string = INERT,
  inertAfterWords: string = INERT_AFTER,
): (window: string, today: string) => Found[] | undefined {
  const inert = new Set(inertWords);
  const inertAfter = new Set(inertAfterWords);
  const isInert = (c: string) => inert.has(c) || PUNCTUATION.has(c) || (HAN.test(c) && !patternChars.has(c));
  /** One expression, its range word included; undefined when in doubt, null when the recognizer finds nothing in it. */
  const readOne = (m: RegExpExecArray, window: string, today: string): { end: number; found: Found | null } | undefined => {
    const g = m.groups as Record<string, string | undefined>;
    const dayAlone = m[0] === (g.word ?? g.wdAll ?? g.monthDay ?? g.nextMonth ?? g.holiday);
    if (g.holiday && !dayAlone) return undefined;
    const range = dayAlone ? RANGE_AFTER.exec(window.slice(m.index + m[0].length)) : null;
    const end = m.index + m[0].length + (range?.[0].length ?? 0);
    const before = window[m.index - 1];
    // 约, 可能, 到, 超过, 最多 … before 下午3点 or 九点 make it approximate or a range, and the recognizer
    // spans them; before 明天下午3点 they do not.
    if ((g.h2 || g.h4) && before !== undefined && patternChars.has(before)) return undefined;
    const found: Found = { start: m.index + (g.every?.length ?? 0), end };
    const dayPeriod = g.dp ? DAY_PERIODS[g.dp] : undefined;
    // 国庆 alone, and 每天晚上8点 (a set, every day): nothing to the recognizer.
    if (g.nothing || (g.every && g.h2)) return { end, found: null };
    if (g.word) found.date = addDays(today, DAY_WORDS[g.word] as number);
    else if (dayPeriod) found.date = addDays(today, dayPeriod[0]);
    else if (g.wd) {
      const monday = addDays(today, 1 - isoWeekday(today));
      const day = addDays(monday, (WEEKDAYS[g.wd] as number) - 1);
      if (!g.rel) found.date = day >= today ? day : addDays(day, 7);
      else found.date = addDays(day, g.rel.startsWith('下') ? 7 : g.rel.startsWith('上') ? -7 : 0);
    } else if (g.nextMonthDay) {
      const [y, mo] = today.split('-').map(Number) as [number, number];
      const month = (mo % 12) + 1;
      const day = Number(g.nextMonthDay);
      if (day > (DAYS_IN_MONTH[month - 1] as number)) return undefined;
      found.date = `${mo === 12 ? y + 1 : y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    } else if (g.holiday) {
      const [month, day, lunar] = HOLIDAYS[g.holiday] as [number, number, 'lunar'?];
      if (lunar) found.date = comingLunarDate(month, day, today);
      else {
        const md = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        const year = Number(today.slice(0, 4));
        found.date = `${year}-${md}` >= today ? `${year}-${md}` : `${year + 1}-${md}`;
      }
    } else if (g.month) {
      const month = Number(g.month);
      const day = Number(g.day);
      // 2月29号 the recognizer resolves to the leap years around; leave it that.
      if (day > (DAYS_IN_MONTH[month - 1] as number)) return undefined;
      const md = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const year = Number(today.slice(0, 4));
      found.date = `${year}-${md}` >= today ? `${year}-${md}` : `${year + 1}-${md}`;
    }
    // 明天9点 is 09:00, but 上周三9点 21:00: of its two readings the recognizer takes the first on or after today, else the last.
    const period = dayPeriod?.[1] ?? PERIODS[g.p1 ?? g.p2 ?? ''] ?? (g.h5 && (found.date as string) < today ? 'pm' : undefined);
    const h = g.h1 ?? g.h2 ?? g.h3 ?? g.h4 ?? g.h5;
    if (period) found.period = period;
    if (h) {
      // 九点 alone is 09:00 to the recognizer (its first reading of 09:00 and 21:00).
      const h24 = (HOURS[h] ?? Number(h)) + (period === 'pm' ? 12 : 0);
      found.time = `${String(h24).padStart(2, '0')}:${(g.half1 ?? g.half2 ?? g.half3 ?? g.half4 ?? g.half5) ? '30' : '00'}`;
      found.period ??= 'am';
    }
    // 明天以后, 3月1号开始: a range, which the recognizer reports and recognise() drops.
    return { end, found: range ? null : found };
  };

  return (window, today) => {
    const inWord = new Uint8Array(window.length);
    for (const w of window.matchAll(INERT_WORDS)) inWord.fill(1, w.index, w.index + w[0].length);
    const out: Found[] = [];
    let from = 0;
    let previousSingle = false;
    for (const m of window.matchAll(EXPRESSIONS)) {
      if (m[0] === '' || m.index < from) return undefined;
      // Before an expression, back to the one before it: 上, 下, 每, 从 only where a character outside the patterns
      // stands between (上海明天); between two, no word that joins them into a range (明天到后天, 周五或周六).
      let separated = false;
      for (let i = m.index - 1; i >= from; i--) {
        const c = window[i] as string;
        if (from > 0 && JOINERS.has(c)) return undefined;
        if (!inWord[i] && !isInert(c) && !(separated && inertAfter.has(c))) return undefined;
        if (HAN.test(c) && !patternChars.has(c)) separated = true;
      }
      // Two side by side (周五周六, 明天下午后天) the recognizer may read as one.
      if (from > 0 && m.index === from) return undefined;
      const one = readOne(m, window, today);
      if (!one) return undefined;
      // The recognizer joins a day to a time after it across a few words (明天的话下午3点), and a date to its
      // weekday (12月3号,周五); only two dates, neither a weekday alone nor a range, are read apart.
      const single = Boolean(one.found?.date) && !(m.groups?.wd && !m.groups.rel && m[0] === m.groups.wdAll);
      if (from > 0 && !(single && previousSingle)) return undefined;
      if (one.found) out.push(one.found);
      previousSingle = single;
      from = one.end;
    }
    if (from === 0) return undefined;
    for (let i = from; i < window.length; i++) {
      const c = window[i] as string;
      if (!inWord[i] && !isInert(c) && !inertAfter.has(c)) return undefined;
    }
    return out;
  };
}

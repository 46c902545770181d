/**
 * Chinese dates and times via Microsoft Recognizers-Text: the only file that
 * imports it. It understands 明天上午, 下周三下午, 12月3号, 3天后 and far more
 * than a hand-written parser would. It reads 春节, 端午 and 中秋 as the
 * Gregorian 1 January, 5 May and 15 August, though it marks them lunar; we
 * resolve those to their real dates (lunar-dates.ts).
 *
 * It is also slow: 0.3–0.7 ms per call even fully warm, and 0.5–4 ms on a
 * window a freshly warmed process has not seen, against a cold p99 target
 * of 1 ms for a whole parse (issue 15); about half of that was its
 * extractors repeating one another's work, which they now share within a
 * parse (shareExtractions below). So we (1) run it only on a small
 * window around a cue that something date-like is there (not on 周边,
 * 快一点, 10号线, 一日游: words that only look like dates), (2) read the
 * commonest expressions ourselves (common-dates.ts: 明天上午9点, 下周三下午,
 * 12月3号, 明天9点, 春节, exactly as the recognizer reads them, which its test
 * checks) and (3) memoise its window results per calendar day in a bounded
 * LRU. corpus/train lines that reach the recognizer: 342 of 3,965 before (1)
 * and (2), 58 after, 50 with holidays, 明天9点 and two dates per window.
 * Cold-start figures are in docs/nlu.md.
 */
import { createRequire } from 'node:module';
import { wallClock } from '../../core/clock.js';
import type { DateEntity, Entity, PeriodEntity, TimeEntity } from '../../core/entities.js';
import { commonDateReader, type Found } from './common-dates.js';
import { comingLunarDate, lunarToGregorian } from './lunar-dates.js';

const require = createRequire(import.meta.url);
// The recognizers ship types that don't resolve under NodeNext; keep the untyped surface here.
/* eslint-disable @typescript-eslint/no-explicit-any */
// Culture comes from the date-time package itself: the suite would load every
// other recognizer as well (numbers with units, sequences, choices), +40 MB
// of resident memory measured, for the one constant 'zh-cn'.
const R = require('@microsoft/recognizers-text-date-time') as any;
const { ChineseDateTime } = R;

/** Every character in the recognizer's Chinese date-time patterns: one outside them cannot be part of a match. */
export function recognizerPatternChars(): Set<string> {
  const chars = new Set<string>();
  for (const value of Object.values(ChineseDateTime as Record<string, unknown>)) {
    for (const c of typeof value === 'string' ? value : JSON.stringify(value)) chars.add(c);
  }
  return chars;
}
/** The fast path for the commonest expressions (common-dates.ts); undefined sends the window to the recognizer. */
export const readCommonDates = commonDateReader(recognizerPatternChars());

const NUM = '[0-9一二三四五六七八九十两]';
// 一 in 一点 and 一时 is an hour only next to a time word (下午一点, 明天一点, 到一点, 一点半); alone it is
// "a little" or "a moment" (快一点, 近一点, 一时回答不了), which the recognizer read as 01:00.
const ONE_OCLOCK =
  '(?:(?<=[午晨号日到至]|[早晚]上|[今明昨后]天|[今明昨][早晚]|(?:周|星期|礼拜)[一二三四五六日天])一|一(?=\\s*[点时][半钟整]))';
// Each alternative is a form the recognizer can turn into a date, time or
// period we keep; words that only look date-like stay out. Checked on every
// non-held-out corpus text against the looser cue of before: the entities
// found are the same except spurious ones (01:00 in 快一点, a date in 一日游,
// 一号线, 这周天气) that are gone.
const CUE = new RegExp(
  [
    // 之后天天 is not 后天.
    '大?[今明昨前]天|(?:大|(?<![之以]))后天',
    // 12月3号, 下个月15号, 本月3号: a month only when a day follows it (12月份, 下个月 alone are ranges).
    `${NUM}+\\s*月(?=\\s*${NUM})`,
    `下个?月(?=\\s*${NUM})`,
    // 3号 in digits is a date to the recognizer only after 月 (本月3号); 十五号 is one alone. Not 一号线, 3号楼, 一日游.
    `(?:(?<=月\\s*)[0-9]+\\s*号|[一二三四五六七八九十两]+号|(?:${NUM}{2,}|[0-9二三四五六七八九十两]|(?<=月\\s*)一)\\s*日)(?![线楼])`,
    `${NUM}+\\s*(?:天[之以]?后|个?(?:周|星期|礼拜)[之以]?后)`,
    // 3点, 十点半, 15时; 快一点, 有一点, 这一点, 一点儿 are not times.
    `(?:${NUM}{2,}|[0-9二三四五六七八九十两]|${ONE_OCLOCK})\\s*(?:点(?![儿点])|时)`,
    // A weekday, not 周 alone (周边, 周岁, 周转), 周末, 下周 (ranges the recognizer gives us nothing for) or 这周天气.
    '(?:下下?个?|这个?|本|上个?)?(?:周|星期|礼拜)(?:[一二三四五六日1-7]|天(?!气))',
    '上午|下午|晚上|早上|凌晨|傍晚|今晚|明早',
    '元旦|春节|国庆|清明|端午|中秋|劳动节',
  ].join('|'),
  'gu',
);
// Context kept around a cue so 下周三上午 is read whole: 下 before 周三 etc.
const LEFT = 2;
const RIGHT = 3;

let model: any;
let calls = 0;
function getModel(): any {
  model ??= shareExtractions(chineseDateTimeModel());
  return model;
}

/** A model of our own: DateTimeRecognizer hands every caller one cached model per culture. */
function chineseDateTimeModel(): any {
  return new R.DateTimeModel(new R.ChineseFullMergedParser(), new R.ChineseMergedExtractor(R.DateTimeOptions.None));
}

/**
 * The recognizer's extractors call one another on the same text: the merged
 * extractor runs the date extractor, and so do the date-period, date-time,
 * date-time-period and set extractors, each building its own. On the
 * corpus's windows 63% of extractor calls in a parse repeat one already made
 * (12,903 of 20,538), and a parse took 0.58 ms warm against 0.17 ms with them
 * shared. So within one parse each extractor class answers a text and
 * reference once, and every caller gets its own copy (callers mutate what
 * they get). The results are the same with or without this, which
 * test/nlu/common-dates.test.ts checks on every corpus window and a grid.
 */
const SHARED_EXTRACTORS = [
  'ChineseDateExtractor',
  'ChineseTimeExtractor',
  'ChineseDurationExtractor',
  'ChineseDatePeriodExtractor',
  'ChineseDateTimeExtractor',
  'ChineseTimePeriodExtractor',
  'ChineseDateTimePeriodExtractor',
  'ChineseSetExtractor',
] as const;
let extractions: Map<string, unknown> | undefined;

/** A copy with the same prototypes (results carry getters and class methods), Dates included. */
function copy<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof RegExp) return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  const out = Array.isArray(value) ? [] : Object.create(Object.getPrototypeOf(value));
  for (const key of Object.keys(value)) out[key] = copy((value as any)[key]);
  return out;
}

/** Wraps `extract` on every instance of SHARED_EXTRACTORS reachable from the model (its configs build their own). */
function shareExtractions(root: any): any {
  const kinds = SHARED_EXTRACTORS.map((name) => [name, R[name]] as const);
  const seen = new Set<object>();
  const visit = (node: any): void => {
    if (node === null || typeof node !== 'object' || seen.has(node) || node instanceof RegExp || node instanceof Map) return;
    seen.add(node);
    const kind = kinds.find(([, cls]) => node instanceof cls)?.[0];
    if (kind) {
      const extract = node.extract.bind(node);
      node.extract = (source: string, ref?: Date) => {
        if (!extractions || !(ref instanceof Date)) return extract(source, ref);
        const key = `${kind}|${ref.getTime()}|${source}`;
        if (extractions.has(key)) return copy(extractions.get(key));
        const result = extract(source, ref);
        extractions.set(key, copy(result));
        return result;
      };
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(root);
  return root;
}

/** How many times the recognizer has run in this process (cached windows do not count): for tests and benches. */
export function dateRecognizerCalls(): number {
  return calls;
}

const CACHE_LIMIT = 5000;
const cache = new Map<string, Found[]>();

function remember(key: string, value: Found[]): void {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}

/** Picks the first candidate on or after today (周四 → this Thursday, not last week's). */
function pickDate(values: string[], today: string): string | undefined {
  return values.find((v) => v >= today) ?? values.at(-1);
}

function periodOf(timex: string): 'am' | 'pm' | undefined {
  if (/TMO$/.test(timex)) return 'am';
  if (/T(AF|EV|NI)$/.test(timex)) return 'pm';
  return undefined;
}

/**
 * 春节, 端午, 中秋 (and 除夕, 元宵, 重阳): the recognizer marks them lunar but
 * resolves their lunar month and day as Gregorian ones (春节 → 1 January).
 * Its timex keeps the lunar date: XXXX-01-01, or 2027-01-01 with a year.
 */
function lunarDate(value: any, today: string): string | undefined {
  const m = /^(XXXX|[0-9]{4})-([0-9]{2})-([0-9]{2})/.exec(String(value?.timex ?? ''));
  if (!m || String(value?.isLunar) !== 'True') return undefined;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return m[1] === 'XXXX' ? comingLunarDate(month, day, today) : lunarToGregorian(Number(m[1]), month, day);
}

function parseShared(recognizer: any, window: string, ref: Date): any[] {
  extractions = new Map();
  try {
    return recognizer.parse(window, ref);
  } finally {
    extractions = undefined;
  }
}

function recognise(window: string, ref: Date, today: string, recognizer: any = getModel()): Found[] {
  const out: Found[] = [];
  calls++;
  for (const r of parseShared(recognizer, window, ref)) {
    const values: any[] = r.resolution?.values ?? [];
    const type: string = values[0]?.type ?? '';
    const timex: string = values[0]?.timex ?? '';
    const found: Found = { start: r.start, end: r.end + 1 };
    if (type === 'date') {
      found.date = pickDate(
        values.map((v) => v.value),
        today,
      );
    } else if (type === 'datetime') {
      const chosen = pickDate(
        values.map((v) => v.value as string),
        today,
      );
      if (chosen) {
        found.date = chosen.slice(0, 10);
        found.time = chosen.slice(11, 16);
      }
    } else if (type === 'datetimerange') {
      const starts = values.map((v) => String(v.start).slice(0, 10));
      found.date = pickDate(starts, today);
      found.period = periodOf(timex);
    } else if (type === 'time') {
      found.time = String(values[0].value).slice(0, 5);
    } else if (type === 'timerange') {
      found.period = periodOf(timex);
    } else {
      continue; // ranges of days, durations, sets: not a single appointment slot
    }
    const lunar = found.date === undefined ? undefined : lunarDate(values[0], today);
    if (lunar) found.date = lunar;
    if (found.time && !found.period) found.period = Number(found.time.slice(0, 2)) < 12 ? 'am' : 'pm';
    out.push(found);
  }
  return out;
}

let unshared: any;

/**
 * The recognizer alone on one window, uncached: the reference the fast path
 * is tested against. `shared: false` runs a recognizer whose extractors do
 * not share their work, the reference for that sharing.
 */
export function recogniseWindow(window: string, now: Date, { shared = true }: { shared?: boolean } = {}): Found[] {
  const clock = wallClock(now);
  unshared ??= shared ? undefined : chineseDateTimeModel();
  const recognizer = shared ? getModel() : unshared;
  return recognise(window, new Date(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute), clock.date, recognizer);
}

/** Windows around date cues, merged where they touch: what the recognizer or the fast path reads. */
export function dateWindows(text: string): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  for (const m of text.matchAll(CUE)) {
    const start = Math.max(0, m.index - LEFT);
    const end = Math.min(text.length, m.index + m[0].length + RIGHT);
    const last = windows.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else windows.push([start, end]);
  }
  return windows;
}

/** Date, time and period entities, resolved against `now` in Shanghai time. */
export function extractDates(text: string, now: Date): Entity[] {
  const windows = dateWindows(text);
  if (windows.length === 0) return [];
  const clock = wallClock(now);
  // The recognizer reads the reference's local fields; give it Shanghai's.
  const ref = new Date(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute);
  const entities: Entity[] = [];
  for (const [ws, we] of windows) {
    const window = text.slice(ws, we);
    const key = `${clock.date}|${window}`;
    let found = readCommonDates(window, clock.date) ?? cache.get(key);
    if (!found) {
      found = recognise(window, ref, clock.date);
      remember(key, found);
    }
    for (const f of found) {
      const start = ws + f.start;
      const end = ws + f.end;
      const span = { text: text.slice(start, end), start, end };
      if (f.date) entities.push({ type: 'date', value: f.date, ...span } satisfies DateEntity);
      if (f.time) entities.push({ type: 'time', value: f.time, ...span } satisfies TimeEntity);
      if (f.period) entities.push({ type: 'period', value: f.period, ...span } satisfies PeriodEntity);
    }
  }
  return entities;
}

/**
 * The fast path for the commonest date expressions
 * (src/nlu/entities/common-dates.ts) against Microsoft Recognizers-Text, the
 * reference, as nodejieba is for segmentation: wherever the fast path
 * answers, its answer must be the recognizer's on the same window — same
 * spans, dates, times and periods — on a grid of expressions, of reference
 * days (every weekday, month and year ends, a leap day) and of the
 * characters around them. Where it is unsure it must say so (undefined),
 * and the window goes to the recognizer.
 */
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { commonDateReader, INERT, INERT_AFTER } from '../../src/nlu/entities/common-dates.js';
import {
  dateRecognizerCalls,
  dateWindows,
  readCommonDates,
  recogniseWindow,
  recognizerPatternChars,
} from '../../src/nlu/entities/dates.js';
import { extractEntities } from '../../src/nlu/entities/index.js';
import { normalise } from '../../src/nlu/normalise.js';
import { WARM_UP_TEXTS } from '../../src/nlu/warm-up.js';

// Shanghai 10:00 on each reference day.
const nowOf = (date: string) => new Date(`${date}T10:00:00+08:00`);
const WEEK = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29'];
const EDGES = ['2026-12-31', '2027-01-01', '2027-02-28', '2028-02-28', '2028-02-29', '2027-03-01'];

const WORDS = ['大后天', '后天', '明天', '今天', '昨天', '前天', ...[1, 15, 28, 29, 30, 31].map((d) => `下个月${d}号`), '下月3日'];
const WEEKDAYS = ['', '这', '这个', '本', '下', '下个', '上', '上个'].flatMap((rel) =>
  ['周', '星期', '礼拜'].flatMap((w) => [...'一二三四五六日天'].map((d) => `${rel}${w}${d}`)),
);
const MONTH_DAYS = Array.from({ length: 12 }, (_, i) => i + 1).flatMap((m) =>
  [1, 9, 15, 28, 30, 31].map((d, j) => `${m}月${d}${j % 2 ? '日' : '号'}`),
);
const HOURS = [...Array.from({ length: 11 }, (_, i) => String(i + 1)), ...'一两二三四五六七八九十', '十一'];
const PERIODS = ['上午', '早上', '下午', '晚上'];
const CLOCK = HOURS.flatMap((h) => [`${h}点`, `${h}点半`]);
const PERIOD_FORMS = [...CLOCK, ...PERIODS, ...PERIODS.flatMap((p) => CLOCK.map((c) => `${p}${c}`))];
const DAY_PERIODS = ['今晚', '明晚', '昨晚', '今早', '明早'].flatMap((d) => [d, `${d}8点`, `${d}十点半`]);
const HOLIDAYS = ['元旦', '春节', '清明', '清明节', '劳动节', '端午', '端午节', '中秋', '中秋节', '国庆节', '国庆'];
// Around the lunar holidays, and 春节 of 2027 and 2030, which ICU places a day off (lunar-dates.ts).
const HOLIDAY_DAYS = ['2026-02-16', '2026-02-17', '2026-02-18', '2027-02-05', '2027-02-06', '2027-02-07', '2030-02-02', '2030-02-03'];

let seed = 20261125;
const next = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const pick = <T>(xs: readonly T[]) => xs[next(xs.length)] as T;

const shape = (found: readonly { start: number; end: number; date?: string; time?: string; period?: string }[] | undefined) =>
  found?.map((f) => ({ start: f.start, end: f.end, date: f.date, time: f.time, period: f.period }));

/** Windows where the fast path answered and the recognizer said something else. */
function disagreements(cases: readonly (readonly [window: string, today: string])[]): string[] {
  const out: string[] = [];
  for (const [window, today] of cases) {
    const fast = readCommonDates(window, today);
    if (fast === undefined) continue;
    const reference = recogniseWindow(window, nowOf(today));
    if (JSON.stringify(shape(fast)) !== JSON.stringify(shape(reference)))
      out.push(`${window} @${today}: fast ${JSON.stringify(shape(fast))}, recognizer ${JSON.stringify(shape(reference))}`);
  }
  return out;
}

describe('common date expressions without the recognizer', () => {
  it('reads every relative day, weekday and month-day as the recognizer does, on every weekday and at month and year ends', () => {
    const cases = [
      ...[...WORDS, ...WEEKDAYS].flatMap((d) => [...WEEK, '2026-12-31'].map((t) => [d, t] as const)),
      ...MONTH_DAYS.flatMap((d) => ['2026-11-25', ...EDGES].map((t) => [d, t] as const)),
      ...WORDS.flatMap((d) => EDGES.map((t) => [d, t] as const)),
      // 明天以后, 3月1号开始: ranges, which the recognizer reports and we drop
      ...[...WORDS, ...WEEKDAYS, ...MONTH_DAYS].flatMap((d) =>
        ['开始', '起', '以后', '之后', '以前', '之前', '以来', '前', '后', '前天', '起来'].map((r) => [`${d}${r}`, pick(WEEK)] as const),
      ),
    ];
    expect(disagreements(cases)).toEqual([]);
  });

  it('reads periods and hours, alone and after a day, as the recognizer does', () => {
    const days = [...WORDS, ...WEEKDAYS, ...MONTH_DAYS];
    const cases = [
      ...PERIOD_FORMS.map((p) => [p, '2026-11-25'] as const),
      ...PERIODS.map((p) => [`每天${p}`, '2026-11-25'] as const),
      ...DAY_PERIODS.flatMap((d) => ['2026-11-25', '2026-12-31', '2028-02-28'].map((t) => [d, t] as const)),
      ...Array.from({ length: 600 }, () => [`${pick(days)}${pick(PERIOD_FORMS)}`, pick([...WEEK, ...EDGES])] as const),
    ];
    expect(disagreements(cases)).toEqual([]);
  });

  it('reads holidays alone, before words and ranges as the recognizer does, lunar ones on their lunar dates', () => {
    const after = ['', '前', '后', '以后', '期间', '那天', '放假吗', '能办吗', '上班', '晚上', '9点', '上午10点', '节'];
    const cases = HOLIDAYS.flatMap((h) =>
      after.flatMap((a) =>
        [...WEEK.slice(0, 2), ...EDGES, ...HOLIDAY_DAYS, '2026-06-19', '2026-09-25'].map((t) => [`${h}${a}`, t] as const),
      ),
    );
    expect(disagreements(cases)).toEqual([]);
  });

  it('answers for all of those forms (or the fast path would be no faster)', () => {
    const unanswered = [
      ...WORDS,
      ...WEEKDAYS,
      ...PERIOD_FORMS,
      ...DAY_PERIODS,
      ...HOLIDAYS,
      '明天上午9点',
      '下周三下午3点半',
      '12月3号晚上8点',
      '明天9点',
      '上周三十点半',
      '每天晚上8点',
      '春节前',
      '国庆节期间',
    ]
      .concat(MONTH_DAYS.filter((d) => !/^(2月(30|31)|[469]月31|11月31)/.test(d)))
      .filter((w) => readCommonDates(w, '2026-11-25') === undefined);
    expect(unanswered).toEqual([]);
  });

  it('leaves to the recognizer what it does not read the same way, or may not', () => {
    const doubtful = [
      '下下周三', // the recognizer reads 下周三 inside it
      '上上周三',
      '上的周三', // last week's Wednesday to the recognizer
      '每周三', // every Wednesday: a set, no entity
      '每个周三',
      '从明天到后天',
      '打明天', // from tomorrow
      '明天和后天',
      '约下午3点', // 约: about
      '可能下午3点',
      '到九点',
      '下午3点30分',
      '下午12点', // its 12 o'clock depends on the words around it
      '晚上12点',
      '12点',
      '下午0点',
      '中秋节晚上', // two entities to the recognizer
      '明天中午9点',
      '今晚上', // 晚上 alone to the recognizer
      '明天中午',
      '2月29号', // it picks the leap years around
      '2月30号',
      '下个月30号', // in January: it answers 30 January
      '12月份',
      '明天 上午',
      '明天-后天',
      '明天以后天', // 后天 in it
      '周三天半', // 三天半, a duration
    ];
    const today = (w: string) => (w === '下个月30号' ? '2027-01-10' : '2026-11-25');
    expect(doubtful.filter((w) => readCommonDates(w, today(w)) !== undefined)).toEqual([]);
  });

  it('treats as inert only the characters the recognizer cannot join to an expression, alone and in pairs', () => {
    const expressions = [
      ...['明天', '周三', '下周三', '12月3号', '下午', '下午3点', '明天上午', '下周三下午3点半', '九点', '今晚', '每天晚上'],
      ...['明天9点', '上周五十点', '每天早上8点', '春节', '中秋节', '清明', '国庆'],
    ];
    const around = [...INERT, ...INERT_AFTER, ...',.?!;。、“”()', '浦', '办', '可以'];
    const cases: (readonly [string, string])[] = [];
    for (const e of expressions)
      for (const c of [...INERT, ...INERT_AFTER])
        cases.push([`${c}${e}`, '2026-11-25'], [`${e}${c}`, '2026-11-25'], [`${c}浦${e}${c}办`, '2026-11-26']);
    // Letters two by two after an expression (3点pm, 明天am): none may join it.
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (const e of ['下午3点', '明天', '九点'])
      for (const a of letters) for (const b of letters) cases.push([`${e}${a}${b}`, '2026-11-27']);
    for (let i = 0; i < 1500; i++) {
      const left = Array.from({ length: next(3) }, () => pick(around)).join('');
      const right = Array.from({ length: next(4) }, () => pick(around)).join('');
      cases.push([`${left}${pick(expressions)}${right}`, pick(WEEK)]);
    }
    expect(disagreements(cases)).toEqual([]);
  });

  it('reads two expressions in one window as the recognizer does, or leaves them to it when joined (明天到后天, 周五周六)', () => {
    const expressions = [
      '明天',
      '后天',
      '周五',
      '下周三',
      '12月3号',
      '下午',
      '下午3点',
      '明天上午',
      '今晚',
      '春节',
      '九点',
      '明天9点',
      '国庆',
    ];
    const between = [
      '',
      ',',
      '。',
      '是',
      '或',
      '或者',
      '还是',
      '到',
      '至',
      '和',
      '跟',
      '浦东',
      '不行就',
      '可以',
      '的话',
      '上',
      '前',
      '以后',
    ];
    const cases: (readonly [string, string])[] = [];
    for (const a of expressions) for (const b of expressions) for (const x of between) cases.push([`${a}${x}${b}`, pick(WEEK)]);
    expect(disagreements(cases)).toEqual([]);
  });

  it('needs that check: with 打 taken as inert before 明天, the recognizer disagrees (打明天 is "from tomorrow")', () => {
    const careless = commonDateReader(recognizerPatternChars(), `${INERT}打`);
    expect(shape(careless('打明天', '2026-11-25'))).not.toEqual(shape(recogniseWindow('打明天', nowOf('2026-11-25'))));
  });

  it('agrees with the recognizer on every date window of the training corpus it answers', () => {
    const corpus = loadCorpus('corpus');
    const windows = corpus.train.flatMap((r) => {
      const text = normalise(r.text);
      return dateWindows(text).map(([start, end]) => text.slice(start, end));
    });
    expect(windows.length).toBeGreaterThan(150);
    expect(disagreements(windows.flatMap((w) => [[w, '2026-11-25'] as const, [w, '2026-11-29'] as const]))).toEqual([]);
  });
});

describe('the recognizer with its extractors sharing their work within a parse', () => {
  it('finds what the recognizer without sharing finds, on every window of the corpus, the warm-up and the grid, on several days', () => {
    const corpus = loadCorpus('corpus');
    const texts = [...corpus.train.map((r) => normalise(r.text)), ...WARM_UP_TEXTS];
    const windows = new Set(texts.flatMap((t) => dateWindows(t).map(([start, end]) => t.slice(start, end))));
    for (const w of [...WORDS, ...WEEKDAYS.slice(0, 30), ...PERIOD_FORMS.slice(0, 60), ...DAY_PERIODS, ...HOLIDAYS]) windows.add(w);
    for (const w of ['每周三上午', '每天早上8点', '3天后', '两个小时后', '从明天到后天', '12月1号到5号', '下个月初', '年底前'])
      windows.add(w);
    expect(windows.size).toBeGreaterThan(300);
    const differing: string[] = [];
    for (const today of ['2026-11-25', '2026-12-31', '2027-02-06']) {
      for (const w of windows) {
        const shared = recogniseWindow(w, nowOf(today));
        const reference = recogniseWindow(w, nowOf(today), { shared: false });
        if (JSON.stringify(shared) !== JSON.stringify(reference)) differing.push(`${w} @${today}`);
      }
    }
    expect(differing).toEqual([]);
  });
});

describe('date entities through the fast path', () => {
  const NOW = new Date('2026-11-25T02:00:00Z'); // Wednesday 10:00 in Shanghai

  it('finds 明天上午9点, 下周四下午 and 12月7号 without calling the recognizer', () => {
    const before = dateRecognizerCalls();
    const read = (text: string) => extractEntities(text, NOW).map((e) => [e.type, e.value, e.text]);
    expect(read('帮我约明天上午9点在浦东办居住证,或者下周四下午也行')).toEqual([
      ['date', '2026-11-26', '明天上午9点'],
      ['time', '09:00', '明天上午9点'],
      ['period', 'am', '明天上午9点'],
      ['district', '浦东新区', '浦东'],
      ['date', '2026-12-03', '下周四下午'],
      ['period', 'pm', '下周四下午'],
    ]);
    expect(read('12月7号可以吗')).toEqual([['date', '2026-12-07', '12月7号']]);
    expect(read('3月1号开始实施吗')).toEqual([]); // a range from 1 March, as the recognizer reads it
    expect(read('上海今晚会下雨吗')).toEqual([
      ['date', '2026-11-25', '今晚'],
      ['period', 'pm', '今晚'],
    ]);
    expect(dateRecognizerCalls() - before).toBe(0);
  });

  it('reads 春节, 明天9点 and 每天晚上8点 without calling the recognizer', () => {
    const before = dateRecognizerCalls();
    const read = (text: string) => extractEntities(text, NOW).map((e) => [e.type, e.value, e.text]);
    expect(read('春节放假吗')).toEqual([['date', '2027-02-06', '春节']]);
    expect(read('春节前能办好吗')).toEqual([]); // a range before it, as the recognizer reads it
    expect(read('明天9点可以吗')).toEqual([
      ['date', '2026-11-26', '明天9点'],
      ['time', '09:00', '明天9点'],
      ['period', 'am', '明天9点'],
    ]);
    expect(read('每天晚上8点都很吵')).toEqual([]); // every evening: no one date
    expect(dateRecognizerCalls() - before).toBe(0);
  });

  it('still calls the recognizer for the rest: 三天后, 中秋节晚上', () => {
    const before = dateRecognizerCalls();
    expect(extractEntities('三天后再说', NOW).find((e) => e.type === 'date')).toMatchObject({ value: '2026-11-28' });
    expect(extractEntities('中秋节晚上开门吗', NOW).find((e) => e.type === 'date')).toMatchObject({ value: '2027-09-15' });
    expect(dateRecognizerCalls() - before).toBe(2);
  });
});

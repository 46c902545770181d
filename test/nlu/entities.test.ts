import { describe, expect, it } from 'vitest';
import { dateRecognizerCalls } from '../../src/nlu/entities/dates.js';
import { idCheckDigit, isValidIdNumber } from '../../src/nlu/entities/id-number.js';
import { extractEntities } from '../../src/nlu/entities/index.js';
import { isValidPhone } from '../../src/nlu/entities/phones.js';

// Wednesday 25 November 2026, 10:00 in Shanghai.
const NOW = new Date('2026-11-25T02:00:00Z');
const of = (text: string, type: string) => extractEntities(text, NOW).filter((e) => e.type === type);

describe('dates and periods (Microsoft Recognizers, Shanghai time)', () => {
  it('reads 明天上午 as tomorrow morning', () => {
    expect(of('明天上午', 'date')[0]).toMatchObject({ value: '2026-11-26' });
    expect(of('明天上午', 'period')[0]).toMatchObject({ value: 'am' });
  });

  it('reads 下周三下午 as next week’s Wednesday afternoon', () => {
    expect(of('下周三下午去办', 'date')[0]).toMatchObject({ value: '2026-12-02' });
    expect(of('下周三下午去办', 'period')[0]).toMatchObject({ value: 'pm' });
  });

  it('reads 12月3号 as the coming 3 December, not last year’s', () => {
    expect(of('12月3号可以吗', 'date')[0]).toMatchObject({ value: '2026-12-03' });
  });

  it('reads 3天后 relative to today', () => {
    expect(of('3天后', 'date')[0]).toMatchObject({ value: '2026-11-28' });
  });

  it('resolves a past date as past, so the dialogue can refuse it', () => {
    expect(of('昨天', 'date')[0]).toMatchObject({ value: '2026-11-24' });
  });

  it('uses Shanghai’s date even when UTC is still on the previous day', () => {
    // 23:30 UTC on the 25th is 07:30 on the 26th in Shanghai.
    const late = new Date('2026-11-25T23:30:00Z');
    expect(extractEntities('明天', late).find((e) => e.type === 'date')).toMatchObject({ value: '2026-11-27' });
  });

  it('finds no date in text without date words', () => {
    expect(of('我想提取公积金', 'date')).toEqual([]);
  });

  it('does not run the recognizer on words that only look like dates, and finds nothing in them', () => {
    // 周 alone, 周末 and 下周 (ranges), 12月份, a metro line, a building, a house number, 一点 as "a little":
    // each used to cost a recognizer call (0.5–1.3 ms on a new window), and 快一点 was read as 01:00.
    const texts = [
      '周边有什么好吃的',
      '孩子满三周岁了',
      '资金周转不过来',
      '周末去哪里玩',
      '下周要出差',
      '12月份离职的公积金能取吗',
      '坐10号线能到吗',
      '一号线几点收车',
      '三号楼有人群租',
      '幸福路100号',
      '能不能快一点',
      '离家近一点的养老院',
      '希望流程能再简化一点',
      '我一时回答不上来',
      '杭州西湖一日游',
      '上海这周天气如何',
      '生了二胎之后天天焦虑',
      '星期几能办',
      '中午好',
      '月底之前',
    ];
    for (const text of texts) {
      const before = dateRecognizerCalls();
      const found = extractEntities(text, NOW).filter((e) => ['date', 'time', 'period'].includes(e.type));
      expect({ text, found, calls: dateRecognizerCalls() - before }).toEqual({ text, found: [], calls: 0 });
    }
  });

  it('still runs it on the forms that are dates: 本月3号, 下个月3号, 十五号, 明晚一点, 十一点, 下午一点, 3月一日', () => {
    expect(of('本月3号', 'date')[0]).toMatchObject({ value: '2027-11-03' });
    expect(of('下个月3号', 'date')[0]).toMatchObject({ value: '2026-12-03' });
    expect(of('十五号来', 'date')[0]).toMatchObject({ value: '2026-12-15' });
    expect(of('明晚一点', 'time')[0]).toMatchObject({ value: '13:00' });
    expect(of('十一点到', 'time')[0]).toMatchObject({ value: '11:00' });
    expect(of('下午一点来', 'time')[0]).toMatchObject({ value: '13:00' });
    expect(of('3月一日来', 'date')[0]).toMatchObject({ value: '2027-03-01' });
  });

  it('reports where in the text the date was found', () => {
    const [d] = of('我想下周三上午在浦东办', 'date');
    expect(d).toMatchObject({ text: '下周三上午', start: 2, end: 7 });
  });
});

describe('districts', () => {
  it('maps short names and former names to the canonical district', () => {
    expect(of('我在浦东', 'district')[0]).toMatchObject({ value: '浦东新区' });
    expect(of('闸北那边', 'district')[0]).toMatchObject({ value: '静安区' });
    expect(of('徐汇区行政服务中心', 'district')[0]).toMatchObject({ value: '徐汇区', text: '徐汇区' });
  });

  it('does not read the river 黄浦江 or 普陀山 as districts', () => {
    expect(of('黄浦江边散步', 'district')).toEqual([]);
    expect(of('去普陀山烧香', 'district')).toEqual([]);
  });
});

describe('phone numbers', () => {
  it('finds mobile numbers with or without separators and +86', () => {
    expect(of('电话139-1234-5678', 'phone')[0]).toMatchObject({ kind: 'mobile', value: '13912345678' });
    expect(of('+8613912345678', 'phone')[0]).toMatchObject({ kind: 'mobile', value: '13912345678' });
  });

  it('finds landlines with an area code, or 8 digits after a phone cue', () => {
    expect(of('座机021-62345678', 'phone')[0]).toMatchObject({ kind: 'landline', value: '02162345678' });
    expect(of('联系电话62345678', 'phone')[0]).toMatchObject({ kind: 'landline', value: '62345678' });
  });

  it('does not read an 11-digit number that is not a mobile prefix as a phone', () => {
    expect(of('编号12012345678', 'phone')).toEqual([]);
  });

  it('validates phone values for slots', () => {
    expect(isValidPhone('13912345678')).toBe(true);
    expect(isValidPhone('1391234567')).toBe(false);
    expect(isValidPhone('021-62345678')).toBe(true);
  });
});

describe('ID numbers (GB 11643)', () => {
  const first17 = '31011519900307123';
  const valid = `${first17}${idCheckDigit(first17)}`;

  it('accepts a number whose check digit matches', () => {
    expect(isValidIdNumber(valid)).toBe(true);
    expect(of(`身份证${valid}`, 'id_number')[0]).toMatchObject({ value: valid, valid: true });
  });

  it('flags a wrong check digit as invalid instead of dropping it', () => {
    const wrong = `${first17}${idCheckDigit(first17) === '0' ? '1' : '0'}`;
    expect(of(`身份证号${wrong}`, 'id_number')[0]).toMatchObject({ value: wrong, valid: false });
  });

  it('computes the X check digit (value 10)', () => {
    // 11010519491231002X is the standard's worked example.
    expect(idCheckDigit('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
  });

  it('rejects an impossible date of birth even with a matching check digit', () => {
    const bad17 = '31011519901332123';
    expect(isValidIdNumber(`${bad17}${idCheckDigit(bad17)}`)).toBe(false);
  });

  it('does not also report the ID’s digits as a phone number', () => {
    expect(of(`身份证${valid}`, 'phone')).toEqual([]);
  });
});

describe('plates and reference numbers', () => {
  it('reads ordinary and new-energy plates', () => {
    expect(of('沪A12345被贴罚单', 'plate')[0]).toMatchObject({ value: '沪A12345', newEnergy: false });
    expect(of('沪ad12345', 'plate')[0]).toMatchObject({ value: '沪AD12345', newEnergy: true });
  });

  it('reads appointment and ticket numbers with or without the dash', () => {
    expect(of('查一下A20261125-0001', 'reference')[0]).toMatchObject({ kind: 'appointment', value: 'A20261125-0001' });
    expect(of('工单t202611250002进度', 'reference')[0]).toMatchObject({ kind: 'ticket', value: 'T20261125-0002' });
  });
});

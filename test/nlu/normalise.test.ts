import { describe, expect, it } from 'vitest';
import { compileCorrector, parseCorrections } from '../../src/nlu/corrections.js';
import { normalise } from '../../src/nlu/normalise.js';

describe('normalise', () => {
  it('turns full-width letters, digits and punctuation into half-width', () => {
    expect(normalise('ＡＢＣ１２３？')).toBe('abc123?');
  });

  it('converts traditional characters to simplified', () => {
    expect(normalise('居住證續簽要帶什麼材料')).toBe('居住证续签要带什么材料');
  });

  it('lower-cases Latin letters but keeps plates, phone numbers and ticket numbers', () => {
    expect(normalise('沪A12345 电话 13912345678 工单T20261125-0001')).toBe('沪a12345 电话 13912345678 工单t20261125-0001');
  });

  it('drops emoji and decoration', () => {
    expect(normalise('😡😡【紧急】公积金怎么提取❗️👍🏻')).toBe('紧急公积金怎么提取');
  });

  it('collapses whitespace and removes it between Chinese characters', () => {
    expect(normalise('  我想   办 居住证\n\t谢谢 ok  ')).toBe('我想办居住证谢谢 ok');
  });

  it('removes control characters', () => {
    expect(normalise('公积\u0000金\u200b提取')).toBe('公积金提取');
  });

  it('returns an empty string for emoji-only input', () => {
    expect(normalise('🙂🙂🙂')).toBe('');
  });
});

describe('spelling corrections', () => {
  const table = parseCorrections('# header\n公基金\t公积金\n社宝卡\t社保卡\n居住正\t居住证\n');

  it('replaces every listed misspelling', () => {
    const correct = compileCorrector(table);
    expect(correct('公基金怎么取，社宝卡丢了')).toBe('公积金怎么取，社保卡丢了');
  });

  it('rejects a malformed line and names the line', () => {
    expect(() => parseCorrections('公基金 公积金\n', 'c.tsv')).toThrow(/c\.tsv:1/);
  });

  it('rejects a correction that chains into another one', () => {
    expect(() => parseCorrections('甲乙\t丙丁\n丙丁\t戊己\n')).toThrow(/chains/);
  });
});

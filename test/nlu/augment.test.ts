import { describe, expect, it } from 'vitest';
import { expandOosTemplates, parseOosTemplates } from '../../src/nlu/augment.js';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { compileCorrector, mergeCorrections } from '../../src/nlu/corrections.js';
import { pinyinCorrections } from '../../src/nlu/pinyin.js';

describe('out-of-scope augmentation', () => {
  const templates = parseOosTemplates('per_template: 2\ntemplates:\n  - "{term}用英语怎么说"\n  - "梦见{term}"\n', 't.yaml');

  it('wraps a fixed choice of terms in each template, labelled None', () => {
    const lines = expandOosTemplates(templates, ['公积金', '居住证', '社保卡']);
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => l.intent === 'None')).toBe(true);
    expect(expandOosTemplates(templates, ['公积金', '居住证', '社保卡'])).toEqual(lines);
  });

  it('rejects a template without {term}', () => {
    expect(() => parseOosTemplates('templates:\n  - 没有占位符\n', 'bad.yaml')).toThrow(/bad\.yaml/);
  });

  it('is part of the shipped corpus', () => {
    expect(loadCorpus('corpus').augmented.length).toBeGreaterThan(100);
  });
});

describe('pinyin corrections', () => {
  const pairs = pinyinCorrections(['公积金', '驾照', '房产证', '社保卡']);
  const correct = compileCorrector(mergeCorrections([['公基金', '公积金']], pairs));

  it('turns full pinyin and initials of a term into the term', () => {
    expect(correct('gongjijin怎么取')).toBe('公积金怎么取');
    expect(correct('jiazhao补办')).toBe('驾照补办');
    expect(correct('gjj提取')).toBe('公积金提取');
  });

  it('leaves pinyin inside a longer Latin word alone', () => {
    expect(correct('jiazhaoxyz')).toBe('jiazhaoxyz');
  });

  it('keeps the curated table when a generated pair would clash with it', () => {
    const merged = mergeCorrections([['gjj', '公基金x']], [['gjj', '公积金']]);
    expect(merged).toEqual([['gjj', '公基金x']]);
  });
});

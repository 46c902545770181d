import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { buildFeatures, DEFAULT_FEATURES } from '../../src/nlu/features.js';
import { createJiebaSegmenter } from '../../src/nlu/jieba-segmenter.js';
import { createTextPipeline } from '../../src/nlu/model.js';

describe('segmenter with the government-terms dictionary', () => {
  const corpus = loadCorpus('corpus');
  const segmenter = createJiebaSegmenter(corpus.terms);

  it('keeps government terms whole that plain jieba splits', () => {
    expect(segmenter.segment('随申办怎么登录')).toContain('随申办');
    expect(segmenter.segment('一网通办上能办吗')).toContain('一网通办');
    expect(segmenter.segment('不动产权证丢了')).toContain('不动产权证');
  });

  it('applies corrections before segmenting, so a misspelt term becomes the term', () => {
    const text = createTextPipeline(segmenter, corpus.corrections, DEFAULT_FEATURES);
    const prepared = text.prepare('公基金怎么提取');
    expect(prepared.normalised).toBe('公积金怎么提取');
    expect(prepared.tokens).toContain('公积金');
  });

  it('drops punctuation tokens', () => {
    expect(segmenter.segment('你好，请问！')).not.toContain('，');
  });

  it('ships at least 300 terms and a correction table', () => {
    expect(corpus.terms.length).toBeGreaterThanOrEqual(300);
    expect(corpus.corrections.length).toBeGreaterThan(50);
  });
});

describe('features', () => {
  it('combines words, character unigrams, bigrams and edge markers, with digits collapsed', () => {
    const f = buildFeatures(['居住证', '12', '月']);
    expect(f).toEqual(expect.arrayContaining(['居住证', '0', '_居', '~居住', '~^居', '~月$', '~证0']));
    expect(f.some((x) => x.includes('12'))).toBe(false);
  });
});

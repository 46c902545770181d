import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus, trainingSet } from '../../src/nlu/corpus.js';
import { inRegressionSet, REGRESSION_SHARE, textKey } from '../../src/nlu/reviewed.js';
import { tinyCorpusWithReviews } from '../helpers/reviewed-corpus.js';
import { TINY_CORPUS } from '../helpers/tiny-model.js';

describe('reviewed items in the corpus', () => {
  it('loads a corpus without a reviewed directory', () => {
    const corpus = loadCorpus(TINY_CORPUS);
    expect(corpus.reviewed).toEqual({ train: [], regression: [], heldoutDuplicates: 0 });
  });

  it('trains on four in five reviewed items and holds the rest out as the regression set', () => {
    const corpus = loadCorpus(tinyCorpusWithReviews());
    const { train, regression } = corpus.reviewed;
    expect(regression.length).toBeGreaterThan(0);
    expect(train.length).toBeGreaterThan(regression.length);
    const trained = new Set(trainingSet(corpus).map((r) => textKey(r.text)));
    for (const r of regression) expect(trained.has(textKey(r.text))).toBe(false);
    for (const r of train) expect(trained.has(textKey(r.text))).toBe(true);
    expect(regression.every((r) => inRegressionSet(r.text))).toBe(true);
  });

  it('reads out_of_scope as None', () => {
    const corpus = loadCorpus(tinyCorpusWithReviews());
    const all = [...corpus.reviewed.train, ...corpus.reviewed.regression];
    expect(all.find((r) => r.text === '明天会下雨吗')?.intent).toBe('None');
    expect(all.some((r) => r.intent === 'out_of_scope')).toBe(false);
  });

  it('keeps the latest label when a text was reviewed twice', () => {
    const corpus = loadCorpus(tinyCorpusWithReviews());
    const all = [...corpus.reviewed.train, ...corpus.reviewed.regression].filter((r) => textKey(r.text) === textKey('提公积金去哪里办'));
    expect(all).toEqual([{ text: '提公积金去哪里办', intent: 'housing_fund_withdraw' }]);
  });

  it('leaves out an item that is already a held-out line, and trains on one that is already a training line', () => {
    const corpus = loadCorpus(tinyCorpusWithReviews());
    expect(corpus.reviewed.heldoutDuplicates).toBe(1);
    const all = [...corpus.reviewed.train, ...corpus.reviewed.regression];
    expect(all.some((r) => textKey(r.text) === textKey('公积金能取吗'))).toBe(false);
    expect(corpus.reviewed.train.some((r) => r.text === '你好')).toBe(true);
  });

  it('splits by the normalised text: the same on every run, whatever the punctuation, width or script', () => {
    const texts = Array.from({ length: 3000 }, (_, i) => `第${i}个问题：公积金怎么提取`);
    const held = texts.filter(inRegressionSet).length / texts.length;
    expect(held).toBeGreaterThan(1 / REGRESSION_SHARE - 0.03);
    expect(held).toBeLessThan(1 / REGRESSION_SHARE + 0.03);
    expect(texts.map(inRegressionSet)).toEqual(texts.map(inRegressionSet));
    for (const t of texts.slice(0, 200)) {
      const variant = `${t.replace('公积金', '公積金').replace('：', ':')}！ `;
      expect(inRegressionSet(variant)).toBe(inRegressionSet(t));
    }
  });

  it('changes the corpus hash when reviewed items are added', () => {
    const dir = tinyCorpusWithReviews();
    const before = loadCorpus(dir).hash;
    appendFileSync(
      path.join(dir, 'reviewed', 'greeting.jsonl'),
      '{"text":"中午好","intent":"greeting","reviewedAt":"2026-11-27T00:00:00Z","by":"li"}\n',
    );
    expect(loadCorpus(dir).hash).not.toBe(before);
  });

  it('names the file and line of an invalid item', () => {
    const dir = tinyCorpusWithReviews();
    mkdirSync(path.join(dir, 'reviewed'), { recursive: true });
    writeFileSync(path.join(dir, 'reviewed', 'bad.jsonl'), '{"text":"你好","intent":"greeting"}\n{"text":"","intent":"greeting"}\n');
    expect(() => loadCorpus(dir)).toThrow(/bad\.jsonl:2: "text" must be a non-empty string/);
    writeFileSync(path.join(dir, 'reviewed', 'bad.jsonl'), '{"text":"你好","intent":"Not An Id"}\n');
    expect(() => loadCorpus(dir)).toThrow(expect.objectContaining({ code: 'CORPUS_INVALID' }));
  });
});

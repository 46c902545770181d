import { describe, expect, it } from 'vitest';
import { objectKeyOrder } from '../../src/nlu/nlpjs-classifier.js';
import { tinyModel } from '../helpers/tiny-model.js';

describe('the NLP.js classifier adapter', () => {
  it('scores exactly as NLP.js’s own inference does (fast path parity)', async () => {
    const model = await tinyModel();
    const classifier = model.classifier as unknown as {
      classify(f: string[]): { ranked: Array<{ intent: string; score: number }>; activation: number };
      classifyWithNlpjs(f: string[]): { ranked: Array<{ intent: string; score: number }>; activation: number };
    };
    const texts = [
      '我想提取公积金',
      '居住证续签',
      '讲个笑话',
      '帮我预约明天上午',
      '你好',
      'xyz',
      '电池是什么垃圾扔哪里',
      // Words the model never saw (its None feature), repeated words, and numbers, which a
      // plain object lists first whatever their place: the sums must run in NLP.js's order.
      '量子纠缠的薛定谔方程怎么解',
      '公积金公积金公积金',
      '2027年 12 3 公积金 15号',
      '',
    ];
    let compared = 0;
    for (const text of texts) {
      const { features, tokens } = model.text.prepare(text);
      for (const input of [features, tokens, [...features].reverse()]) {
        const fast = classifier.classify(input);
        const reference = classifier.classifyWithNlpjs(input);
        expect(fast.ranked).toEqual(reference.ranked);
        expect(fast.activation).toBe(reference.activation);
        compared++;
      }
    }
    expect(compared).toBe(texts.length * 3);
  });

  it('adds features in the order NLP.js does: a plain object’s key order', () => {
    for (const features of [
      ['办', '0', '公积金', '12', '办', '~0$', '3', '4294967295', '007', '1'],
      ['居住证', '续签'],
      ['5', '5', '0'],
    ]) {
      const asObject: Record<string, number> = {};
      for (const f of features) asObject[f] = 1;
      expect(objectKeyOrder(features)).toEqual(Object.keys(asObject));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { tinyModel } from '../helpers/tiny-model.js';

describe('the NLP.js classifier adapter', () => {
  it('scores exactly as NLP.js’s own inference does (fast path parity)', async () => {
    const model = await tinyModel();
    const classifier = model.classifier as unknown as {
      classify(f: string[]): unknown;
      classifyWithNlpjs(f: string[]): { ranked: Array<{ intent: string; score: number }>; activation: number };
    };
    for (const text of ['我想提取公积金', '居住证续签', '讲个笑话', '帮我预约明天上午', '你好', 'xyz', '电池是什么垃圾扔哪里']) {
      const { features } = model.text.prepare(text);
      const fast = classifier.classify(features) as { ranked: Array<{ intent: string; score: number }>; activation: number };
      const reference = classifier.classifyWithNlpjs(features);
      expect(fast.ranked.map((r) => r.intent)).toEqual(reference.ranked.map((r) => r.intent));
      for (const [i, r] of fast.ranked.entries()) expect(r.score).toBeCloseTo(reference.ranked[i]?.score ?? Number.NaN, 5);
      expect(fast.activation).toBeCloseTo(reference.activation, 5);
    }
  });
});

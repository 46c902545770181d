import { describe, expect, it } from 'vitest';
import { OUT_OF_SCOPE } from '../../src/core/parse.js';
import { trainModel } from '../../src/nlu/train.js';

// Departments, not intents: every message belongs to one of them, and the
// training set has no out-of-scope lines.
const TRAIN = [
  ...['小区噪音扰民', '工厂排放污水', '河道污染严重', '餐馆油烟乱排', '工地夜间噪音'].map((text) => ({ text, intent: 'environment' })),
  ...['公交线路太少', '高速公路收费', '出租车拒载', '地铁站太远', '路口红绿灯坏了'].map((text) => ({ text, intent: 'transport' })),
  ...['学校乱收费', '孩子转学手续', '幼儿园学位不够', '培训机构退费', '中学招生政策'].map((text) => ({ text, intent: 'education' })),
];

async function train(rows: ReadonlyArray<{ text: string; intent: string }>) {
  const { model } = await trainModel({
    train: rows,
    terms: [],
    corrections: [],
    corpusHash: 'closed-set',
    folds: 0,
    threshold: 0,
    pinyin: false,
  });
  return model;
}

describe('a classifier trained without out-of-scope lines', () => {
  it('answers with one of its classes for a long message full of words it never saw', async () => {
    const model = await train(TRAIN);
    const long =
      '我家住在东边那个老旧的居民楼里面已经有好几年了，最近楼下新开了一家烧烤店，每天晚上从八点一直营业到凌晨三点，' +
      '客人喝酒划拳大声喧哗，严重影响休息，噪音实在受不了';
    const parse = model.classify(long);
    expect(parse.topIntent).toBe('environment');
    expect(parse.intent).not.toBe(OUT_OF_SCOPE);
  });

  it('keeps NLP.js’s None class when None is one of the answers', async () => {
    const model = await train([...TRAIN, ...['讲个笑话', '今天星期几', '你喜欢什么电影'].map((text) => ({ text, intent: OUT_OF_SCOPE }))]);
    expect(model.classify('讲个笑话吧').topIntent).toBe(OUT_OF_SCOPE);
  });
});

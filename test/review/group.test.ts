import { describe, expect, it } from 'vitest';
import type { ReviewCandidate } from '../../src/core/review.js';
import { groupCandidates, presentGroup } from '../../src/review/group.js';
import { bigrams, clusterNearDuplicates, jaccard } from '../../src/review/near-duplicates.js';
import { reviewKey } from '../../src/review/review-key.js';

let id = 0;
function msg(text: string, o: Partial<ReviewCandidate> = {}): ReviewCandidate {
  id++;
  return {
    id,
    text,
    intent: 'None',
    score: 0.4,
    alternatives: [{ intent: 'housing_fund_withdraw', score: 0.4 }],
    modelVersion: 'v1',
    outcome: 'fallback',
    reasons: ['fallback'],
    escalation: null,
    rating: null,
    at: 1_000_000 - id,
    ...o,
  };
}

const texts = (items: ReturnType<typeof presentGroup>[]) => items.map((i) => [i.text, i.count]);

describe('the review key', () => {
  it('ignores punctuation, spaces, width, traditional characters, numbers, masking and courtesy words', () => {
    const key = reviewKey('公积金怎么提取');
    for (const variant of ['公积金怎么提取？', '  公积金 怎么 提取!!', '請問公積金怎麼提取呀', '你好，公积金怎么提取，谢谢']) {
      expect(reviewKey(variant), variant).toBe(key);
    }
    expect(reviewKey('预约号A20261125-0001查一下')).toBe(reviewKey('预约号A20261126-0042查一下'));
    expect(reviewKey('我的电话138****1234')).toBe(reviewKey('我的电话139****9876'));
    expect(reviewKey('你好')).toBe('你好');
  });
});

describe('grouping candidates', () => {
  it('makes one item of the same question asked several ways, with its count, examples and reasons', () => {
    const items = groupCandidates([
      msg('公积金怎么提取？'),
      msg('公积金怎么提取', { reasons: ['fallback', 'escalated'], escalation: 'asked_for_human' }),
      msg('公积金怎么提取'),
      msg('请问公积金怎么提取'),
      msg('我在上海工作了五年现在想把公积金全部提取出来请问需要什么手续'),
      msg('我在上海工作了六年现在想把公积金全部提取出来请问需要什么手续'),
      msg('怎么养猫', { alternatives: [{ intent: 'None', score: 0.9 }] }),
    ]).map(presentGroup);
    expect(texts(items)).toEqual([
      ['公积金怎么提取', 4],
      ['我在上海工作了五年现在想把公积金全部提取出来请问需要什么手续', 2],
      ['怎么养猫', 1],
    ]);
    expect(items[0]).toMatchObject({
      examples: [],
      predicted: { intent: 'housing_fund_withdraw', score: 0.4 },
      parsedAs: 'None',
      reasons: { fallback: 4, escalated: 1 },
      escalations: ['asked_for_human'],
    });
    expect(items[1]?.examples).toEqual(['我在上海工作了六年现在想把公积金全部提取出来请问需要什么手续']);
    expect(items[2]?.predicted.intent).toBe('None');
  });

  it('keeps different questions apart even when they share words', () => {
    const items = groupCandidates([msg('我想提取公积金'), msg('我要提取公积金'), msg('公积金贷款'), msg('公积金提取')]);
    expect(items).toHaveLength(4);
  });

  it('leaves out texts already labelled, and gives an item the same id on every run', () => {
    const candidates = [msg('公积金怎么提取'), msg('怎么养猫'), msg('怎么养猫？')];
    const first = groupCandidates(candidates);
    const again = groupCandidates([...candidates].reverse());
    expect(first.map((g) => g.id)).toEqual(again.map((g) => g.id));
    const labelled = new Set([reviewKey('怎么养猫')]);
    expect(groupCandidates(candidates, labelled).map((g) => presentGroup(g).text)).toEqual(['公积金怎么提取']);
  });

  it('groups 10,000 messages in well under a second', () => {
    const subjects = ['公积金', '居住证', '社保卡', '驾驶证', '护照', '营业执照', '医保', '户口', '出生证明', '退休金'];
    const asks = ['怎么办理', '去哪里办', '要什么材料', '多久能好', '可以网上办吗', '丢了怎么补', '到期了怎么续', '费用是多少'];
    const places = ['', '浦东', '徐汇', '静安', '闵行', '宝山', '嘉定', '松江', '青浦', '奉贤'];
    const candidates: ReviewCandidate[] = [];
    for (let i = 0; i < 10_000; i++) {
      const s = subjects[i % subjects.length];
      const a = asks[Math.floor(i / 10) % asks.length];
      const p = places[Math.floor(i / 80) % places.length];
      candidates.push(msg(`我想问${p}的${s}${a}，第${i % 97}次问了`));
    }
    const started = performance.now();
    const groups = groupCandidates(candidates);
    const ms = performance.now() - started;
    expect(groups.reduce((n, g) => n + g.wordings.reduce((m, w) => m + w.messages.length, 0), 0)).toBe(10_000);
    expect(groups.length).toBeLessThan(1000);
    expect(ms).toBeLessThan(1500);
  });
});

describe('near-duplicate clustering', () => {
  it('joins a text to the most similar representative at or above the threshold, never by chaining', () => {
    // b is close to a and to c, but a and c are not close to each other.
    const a = '一二三四五六七八九十甲乙';
    const b = '一二三四五六七八九十甲丙';
    const c = '二三四五六七八九十甲丙丁';
    expect(jaccard(new Set([...a]), new Set([...b]))).toBeGreaterThan(0.8);
    expect(clusterNearDuplicates([a, b, c], 0.8)).toEqual([[0, 1], [2]]);
  });

  it('clusters exactly as comparing with every representative would (the index misses nothing)', () => {
    // Deterministic variants of a few sentences: a changed, dropped or added character each.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const bases = ['公积金怎么提取出来用', '居住证到期了怎么续签', '垃圾分类电池放哪里', '我想预约明天上午去浦东办事', '你好'];
    const chars = [...'的了吗呢我要想去办个一下哪里怎么'];
    const pool: string[] = [];
    for (let i = 0; i < 400; i++) {
      const text = [...(bases[i % bases.length] as string)];
      const at = Math.floor(random() * text.length);
      const c = chars[Math.floor(random() * chars.length)] as string;
      const edit = Math.floor(random() * 3);
      if (edit === 0) text[at] = c;
      else if (edit === 1) text.splice(at, 1);
      else text.splice(at, 0, c);
      pool.push(text.join(''));
    }
    const naive = (texts: string[], t: number) => {
      const clusters: number[][] = [];
      const sets = texts.map((x) => new Set(bigrams(x)));
      texts.forEach((_, i) => {
        let best = -1;
        let bestScore = t;
        clusters.forEach((c, k) => {
          const score = jaccard(sets[i] as Set<string>, sets[c[0] as number] as Set<string>);
          if (score >= bestScore && (best === -1 || score > bestScore)) {
            best = k;
            bestScore = score;
          }
        });
        if (best >= 0) clusters[best]?.push(i);
        else clusters.push([i]);
      });
      return clusters;
    };
    for (const t of [0.5, 0.6, 0.8]) expect(clusterNearDuplicates(pool, t), String(t)).toEqual(naive(pool, t));
  });
});

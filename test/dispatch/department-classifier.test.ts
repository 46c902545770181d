import { describe, expect, inject, it } from 'vitest';
import { HeldDepartmentClassifier } from '../../src/dispatch/department-classifier.js';
import { loadArtifact } from '../../src/nlu/artifact.js';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { shippedDepartments } from '../helpers/dispatch-corpus.js';

// The dispatch model trained from the shipped corpus/departments/ (test/global-setup.ts).
const model = loadArtifact(inject('dispatchModelDir'));
const departments = shippedDepartments();
const classifier = new HeldDepartmentClassifier(new ModelHolder(model), departments, 0.5);

describe('the dispatch model sends a complaint to the department whose remit it is', () => {
  it.each([
    ['楼下新开的烧烤店油烟直接排进我家窗户，天天都是烟味', 'urban_management'],
    ['公司已经三个月没发工资了，老板也联系不上', 'human_resources'],
    ['在超市买到过期的酸奶，商家不肯退', 'market_supervision'],
    ['我们小区从昨天早上开始停水，到现在都没来水', 'water_affairs'],
    ['某某路口的红绿灯坏了，车子乱开', 'public_security'],
    ['早高峰公交车要等半个小时，班次太少了', 'transport'],
    ['小区垃圾桶满了好几天没人来收，臭死了', 'greening_sanitation'],
    ['附近化工厂晚上偷偷排废气，味道刺鼻', 'ecology_environment'],
  ])('%s → %s', async (text, expected) => {
    const p = await classifier.classify(text);
    expect(p.department).toBe(expected);
    expect(p.score).toBeGreaterThanOrEqual(0.5);
    expect(p.modelVersion).toBe(model.version);
  });

  it('offers at most three departments, the chosen one first and scores falling', async () => {
    const p = await classifier.classify('物业不管楼上漏水，我家天花板都发霉了');
    expect(p.department).toBe('housing');
    expect(p.alternatives.length).toBeGreaterThanOrEqual(1);
    expect(p.alternatives.length).toBeLessThanOrEqual(3);
    expect(p.alternatives[0]).toEqual({ department: 'housing', score: p.score });
    const scores = p.alternatives.map((a) => a.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const a of p.alternatives) expect(departments.has(a.department)).toBe(true);
  });
});

describe('what the model cannot place waits in 待分派', () => {
  it.each(['今天天气真好啊哈哈', '绿豆汤好不好喝', '你是谁', 'asdf qwer zxcv'])('"%s" gets no department', async (text) => {
    const p = await classifier.classify(text);
    expect(p.department).toBeNull();
    expect(p.score).toBeLessThan(0.5);
  });

  it('a higher DISPATCH_MIN_SCORE leaves a less certain complaint unassigned that the default dispatches', async () => {
    // Short complaints without a telling word: the model leans one way without being sure.
    const candidates = ['马路上的井盖坏了', '路边停车收费不合理', '邻居家漏水到我家', '小区里的狗太吵了'];
    const scored = await Promise.all(candidates.map(async (text) => ({ text, p: await classifier.classify(text) })));
    const unsure = scored.find(({ p }) => p.department !== null && p.score < 0.99);
    expect(unsure, JSON.stringify(scored)).toBeDefined();
    const { text, p: loose } = unsure as (typeof scored)[number];
    const strict = await new HeldDepartmentClassifier(new ModelHolder(model), departments, loose.score + 0.005).classify(text);
    expect(strict.department).toBeNull();
    expect(strict.alternatives).toEqual(loose.alternatives);
  });

  it('with no dispatch model loaded every ticket waits in 待分派 instead of failing', async () => {
    const p = await new HeldDepartmentClassifier(new ModelHolder(), departments, 0.5).classify('公司拖欠工资');
    expect(p).toEqual({ department: null, score: 0, alternatives: [], modelVersion: null });
  });
});

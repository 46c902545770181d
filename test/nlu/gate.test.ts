import { describe, expect, it } from 'vitest';
import { compareEvaluations } from '../../src/nlu/gate.js';
import { type EvaluationReport, evaluatePredictions, type Prediction } from '../../src/nlu/metrics.js';

/** A report from [expected, predicted, count] groups. */
function report(groups: Array<[string, string, number]>): EvaluationReport {
  const preds: Prediction[] = [];
  for (const [expected, predicted, count] of groups) {
    for (let i = 0; i < count; i++) preds.push({ text: `${expected}${i}`, expected, predicted, top1: predicted, score: 1, ms: 0 });
  }
  return evaluatePredictions(preds);
}

/** Ten intents of 100 lines, all right except the given misses per intent (predicted as None). */
function hundreds(misses: Record<string, number> = {}): EvaluationReport {
  const groups: Array<[string, string, number]> = [];
  for (let i = 0; i < 10; i++) {
    const intent = `intent_${i}`;
    const miss = misses[intent] ?? 0;
    groups.push([intent, intent, 100 - miss], [intent, 'None', miss]);
  }
  return report(groups.filter(([, , n]) => n > 0));
}

describe('the promotion gate', () => {
  it('promotes a candidate that scores the same', () => {
    const c = compareEvaluations(hundreds({ intent_0: 3 }), hundreds({ intent_0: 3 }));
    expect(c.promote).toBe(true);
    expect(c.accuracy.delta).toBe(0);
    expect(c.worse).toEqual([]);
    expect(c.better).toEqual([]);
  });

  it('promotes a candidate that is better, and lists the confusions it fixed', () => {
    const c = compareEvaluations(hundreds({ intent_0: 8, intent_1: 2 }), hundreds({ intent_1: 2 }));
    expect(c.promote).toBe(true);
    expect(c.accuracy.delta).toBeCloseTo(0.008);
    expect(c.better).toEqual([{ expected: 'intent_0', predicted: 'None', current: 8, candidate: 0, delta: -8 }]);
  });

  it('allows overall accuracy 0.5 points lower, and refuses 0.6 points lower', () => {
    // 5 and 6 lines of 1,000, one per intent, so no intent's recall falls more than 1 point.
    const five = { intent_0: 1, intent_1: 1, intent_2: 1, intent_3: 1, intent_4: 1 };
    expect(compareEvaluations(hundreds(), hundreds(five)).promote).toBe(true);
    const six = compareEvaluations(hundreds(), hundreds({ ...five, intent_5: 1 }));
    expect(six.promote).toBe(false);
    expect(six.accuracy.blocking).toBe(true);
    expect(six.reasons).toEqual(['overall accuracy 100.0% → 99.4% (-0.6 points, 6 lines; the limit is -0.5)']);
  });

  it("refuses when one intent's recall falls more than 5 points, even if overall accuracy does not fall", () => {
    const current = hundreds({ intent_1: 6, intent_2: 6 });
    const candidate = hundreds({ intent_0: 6, intent_2: 6 });
    const c = compareEvaluations(current, candidate);
    expect(c.accuracy.delta).toBe(0);
    expect(c.promote).toBe(false);
    expect(c.recall.intent_0).toMatchObject({ n: 100, current: 1, candidate: 0.94, linesLost: 6, blocking: true });
    expect(c.reasons).toEqual(['recall of intent_0 100.0% → 94.0% (-6.0 points, 6 of 100 lines; the limit is -5.0)']);
    expect(c.worse[0]).toMatchObject({ expected: 'intent_0', predicted: 'None', delta: 6 });
  });

  it('allows a recall exactly 5 points lower', () => {
    expect(compareEvaluations(hundreds(), hundreds({ intent_0: 5 })).promote).toBe(true);
  });

  it('tolerates one line lost on a small intent, but not two', () => {
    // 16 lines, as in the held-out split: one line is 6.25 points.
    const small = (wrong: number) =>
      report([
        ['big', 'big', 1000],
        ['small', 'small', 16 - wrong],
        ['small', 'big', wrong],
      ]);
    const one = compareEvaluations(small(0), small(1));
    expect(one.recall.small).toMatchObject({ linesLost: 1, blocking: false });
    expect(one.promote).toBe(true);
    const two = compareEvaluations(small(0), small(2));
    expect(two.recall.small).toMatchObject({ linesLost: 2, blocking: true });
    expect(two.reasons).toEqual(['recall of small 100.0% → 87.5% (-12.5 points, 2 of 16 lines; the limit is -5.0)']);
  });

  it('counts out-of-scope (None) recall like any intent', () => {
    const c = compareEvaluations(
      report([
        ['None', 'None', 40],
        ['a', 'a', 1000],
      ]),
      report([
        ['None', 'None', 36],
        ['None', 'a', 4],
        ['a', 'a', 1000],
      ]),
    );
    expect(c.promote).toBe(false);
    expect(c.recall.None?.blocking).toBe(true);
  });

  it('refuses to compare evaluations of different lines', () => {
    expect(() => compareEvaluations(hundreds(), report([['a', 'a', 10]]))).toThrow(/different lines/);
  });
});

import { describe, expect, it } from 'vitest';
import { calibrateThreshold, stratifiedFolds } from '../../src/nlu/calibrate.js';
import { evaluatePredictions, type Prediction } from '../../src/nlu/metrics.js';

const p = (expected: string, predicted: string, top1 = predicted): Prediction => ({ text: '', expected, predicted, top1, score: 1, ms: 0 });

describe('evaluation metrics', () => {
  const report = evaluatePredictions([p('a', 'a'), p('a', 'None', 'a'), p('b', 'a'), p('None', 'None'), p('None', 'b', 'b')]);

  it('counts accuracy with the threshold applied and top-1 without it', () => {
    expect(report.accuracy).toBeCloseTo(2 / 5);
    expect(report.top1Accuracy).toBeCloseTo(3 / 5);
  });

  it('treats predicting None for an in-scope line as an in-scope error', () => {
    expect(report.inScopeAccuracy).toBeCloseTo(1 / 3);
  });

  it('computes out-of-scope recall and precision', () => {
    expect(report.oosRecall).toBeCloseTo(1 / 2);
    expect(report.oosPrecision).toBeCloseTo(1 / 2);
  });

  it('reports per-intent precision, recall and support, and the confusions', () => {
    expect(report.perIntent.a).toMatchObject({ precision: 0.5, recall: 0.5, support: 2 });
    expect(report.confusions).toContainEqual({ expected: 'b', predicted: 'a', count: 1 });
  });

  it('gives null out-of-scope figures when the data has no None lines', () => {
    const r = evaluatePredictions([p('a', 'a')]);
    expect(r.oosRecall).toBeNull();
    expect(r.oosPrecision).toBeNull();
  });
});

describe('threshold calibration', () => {
  it('picks the threshold that best separates out-of-scope from in-scope scores', () => {
    const outcomes = [
      { expected: 'a', top1: 'a', score: 0.9 },
      { expected: 'a', top1: 'a', score: 0.8 },
      { expected: 'None', top1: 'a', score: 0.3 },
      { expected: 'None', top1: 'b', score: 0.2 },
    ];
    const c = calibrateThreshold(outcomes);
    expect(c.threshold).toBeGreaterThan(0.3);
    expect(c.threshold).toBeLessThanOrEqual(0.8);
    expect(c.accuracy).toBe(1);
  });

  it('splits into folds that each contain every intent', () => {
    const rows = ['a', 'a', 'a', 'b', 'b', 'b'].map((intent) => ({ intent }));
    const folds = stratifiedFolds(rows, 3);
    for (const fold of folds) expect(new Set(fold.map((r) => r.intent))).toEqual(new Set(['a', 'b']));
  });
});

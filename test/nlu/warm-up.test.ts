/**
 * The warm-up walks every stage a citizen's first messages will: each
 * entity extractor (the date recognizer's dates, times and periods above
 * all), the normaliser's traditional, full-width and pinyin input, and the
 * classifier — otherwise the first real message pays for compiling them.
 */
import { describe, expect, it } from 'vitest';
import { dateRecognizerCalls } from '../../src/nlu/entities/dates.js';
import { RECOGNIZER_ROUNDS, WARM_UP_TEXTS, warmUp, warmUpYielding } from '../../src/nlu/warm-up.js';
import { shippedModel } from '../helpers/app.js';

describe('warming a model before it serves', () => {
  const model = shippedModel();
  const now = new Date('2026-11-25T10:00:00+08:00');
  const parses = WARM_UP_TEXTS.map((t) => model.parse(t, now));

  it('reaches every entity extractor', () => {
    const types = new Set(parses.flatMap((p) => p.entities.map((e) => e.type)));
    expect([...types].sort()).toEqual(['date', 'district', 'id_number', 'period', 'phone', 'plate', 'reference', 'time']);
  });

  it('reaches the normaliser on traditional, full-width and pinyin input, and the classifier on in-scope and chat messages', () => {
    expect(parses.some((p) => p.text !== p.normalised && /[證續]/.test(p.text))).toBe(true);
    expect(parses.some((p) => /[Ａ-Ｚ１-９]/.test(p.text) && p.text !== p.normalised)).toBe(true);
    expect(parses.some((p) => /^[a-z ]+$/.test(p.text) && p.normalised !== p.text)).toBe(true);
    const intents = new Set(parses.map((p) => p.intent));
    for (const intent of ['greeting', 'housing_fund_withdraw', 'appointment', 'garbage_sorting']) expect(intents).toContain(intent);
  });

  it('still runs the date recognizer itself, not only the fast path for common dates', () => {
    const before = dateRecognizerCalls();
    warmUp(model, new Date('2027-03-10T10:00:00+08:00')); // another day: none of its windows cached
    expect(dateRecognizerCalls() - before).toBeGreaterThanOrEqual(10);
  });

  it('parses each text twice, then again on earlier days for the recognizer, and says how long it took', () => {
    const r = warmUp(model, now);
    expect(r.parses).toBe(WARM_UP_TEXTS.length * (2 + RECOGNIZER_ROUNDS));
    expect(r.ms).toBeGreaterThan(0);
  });

  it('runs the recognizer again on each earlier day, its windows for today being cached', () => {
    const day = new Date('2027-05-20T10:00:00+08:00');
    warmUp(model, day, 0);
    const before = dateRecognizerCalls();
    warmUp(model, day, 2);
    const perDay = dateRecognizerCalls() - before;
    expect(perDay).toBeGreaterThanOrEqual(2 * 10);
  });

  it('warms a swapped-in model in steps, letting the event loop run between them', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const r = await warmUpYielding(model, now, 3);
    clearInterval(timer);
    expect(r.parses).toBe(WARM_UP_TEXTS.length * 5);
    expect(ticks).toBeGreaterThan(0);
  });
});

/**
 * Understanding a follow-up (issue 14): the shipped model reads the aspect a
 * message asks and whether it names a topic of its own; the aspect part
 * travels in the artifact, and an artifact made before it still loads.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArtifact, saveArtifact } from '../../src/nlu/artifact.js';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { shippedModel } from '../helpers/app.js';

const NOW = new Date('2026-11-25T02:00:00Z');

describe('follow-up understanding', () => {
  it('reads the aspect of a bare follow-up and finds no topic of its own in it', () => {
    const model = shippedModel();
    for (const [text, aspect] of [
      ['需要带什么材料', 'materials'],
      ['在哪里办', 'place'],
      ['要多久能到账', 'duration'],
      ['多少钱', 'cost'],
      ['网上能办吗', 'online'],
      ['要本人去吗', 'proxy'],
      ['有什么条件', 'conditions'],
    ] as const) {
      const parse = model.parse(text, NOW);
      expect(parse.aspect?.aspect, text).toBe(aspect);
      expect(parse.topics, text).toEqual([]);
    }
  });

  it('finds the topic a question names, also when it asks an aspect', () => {
    const model = shippedModel();
    expect(model.parse('社保卡丢了怎么补办', NOW).topics).toEqual(['social_security_card']);
    expect(model.parse('护照在哪里办', NOW)).toMatchObject({ topics: ['exit_entry'], aspect: { aspect: 'place' } });
    expect(model.parse('谢谢', NOW).aspect?.aspect).toBeNull();
    // Its words without the aspect words split between two housing-fund intents (loan 0.55, withdraw 0.45):
    // still the topic the whole message reads, not none (which held it to the topic before).
    expect(model.parse('顺便问一句，还房贷的话每年能提一次公积金吗', NOW).topics).toEqual(['housing_fund_withdraw']);
  });

  it('keeps the aspect reader in the artifact, and loads an artifact that has none', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-aspects-')), 'model');
    saveArtifact(shippedModel(), dir);
    expect(loadArtifact(dir).parse('需要带什么材料', NOW)).toEqual(shippedModel().parse('需要带什么材料', NOW));
    rmSync(path.join(dir, 'aspects.json'));
    const older = loadArtifact(dir).parse('需要带什么材料', NOW);
    expect(older.aspect).toBeUndefined();
    expect(older.topics).toBeUndefined();
  });

  it('leaves multi-turn files in corpus/test out of the single-message split', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-corpus-')), 'corpus');
    for (const sub of ['train', 'test', 'aspects']) mkdirSync(path.join(dir, sub), { recursive: true });
    writeFileSync(path.join(dir, 'train', 'a.yaml'), 'greeting: [你好, 您好]\n');
    writeFileSync(path.join(dir, 'test', 'heldout.jsonl'), '{"text":"你好呀","intent":"greeting"}\n');
    writeFileSync(
      path.join(dir, 'test', 'multiturn.jsonl'),
      '{"id":"x","kind":"no_topic","turns":[{"text":"要多久","role":"no_topic","topic":null,"aspect":"duration"}]}\n',
    );
    writeFileSync(path.join(dir, 'aspects', 'a.yaml'), 'duration: [要多久]\nNone: [好的]\n');
    const corpus = loadCorpus(dir);
    expect(corpus.test).toEqual([{ text: '你好呀', intent: 'greeting' }]);
    expect(corpus.aspects).toEqual([
      { text: '要多久', intent: 'duration' },
      { text: '好的', intent: 'None' },
    ]);
    writeFileSync(path.join(dir, 'aspects', 'a.yaml'), 'price: [多少钱]\n');
    expect(() => loadCorpus(dir)).toThrow(/"price" is not an aspect/);
  });
});

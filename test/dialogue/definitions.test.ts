import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBehaviour } from '../../src/dialogue/definitions.js';
import { lintBehaviour } from '../../src/dialogue/lint.js';
import { loadCorpus } from '../../src/nlu/corpus.js';

function copyIntents(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-intents-')), 'intents');
  cpSync('intents', dir, { recursive: true });
  return dir;
}

describe('behaviour definitions', () => {
  it('loads every intent of the catalogue, and lint finds intents/ and corpus/ in agreement', () => {
    const behaviour = loadBehaviour('intents');
    const corpusIntents = [...new Set(loadCorpus('corpus').train.map((r) => r.intent))];
    expect(lintBehaviour(behaviour, corpusIntents)).toEqual([]);
    expect(behaviour.intents.size).toBe(46);
    expect(behaviour.garbage.items.length).toBeGreaterThanOrEqual(200);
  });

  it('names the file and line of a slot with an unknown type', () => {
    const dir = copyIntents();
    const file = path.join(dir, 'services.yaml');
    const text = readFileSync(file, 'utf8').replace(
      '        type: district\n        prompt: 请问您想在哪个区办理',
      '        type: region\n        prompt: 请问您想在哪个区办理',
    );
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('type: region')) + 1;
    expect(() => loadBehaviour(dir)).toThrow(new RegExp(`services\\.yaml:${line}: appointment\\.form\\.slots\\.1\\.type`));
  });

  it('names the file and line of broken YAML', () => {
    const dir = copyIntents();
    writeFileSync(path.join(dir, 'transport.yaml'), 'driving_license:\n  answer: "unterminated\n');
    expect(() => loadBehaviour(dir)).toThrow(/transport\.yaml:\d+/);
  });

  it('rejects an intent defined in two files', () => {
    const dir = copyIntents();
    writeFileSync(path.join(dir, 'extra.yaml'), 'greeting:\n  answer: 你好\n');
    expect(() => loadBehaviour(dir)).toThrow(/extra\.yaml:1: intent "greeting" is also defined/);
  });

  it('lint reports a template placeholder that no slot fills', () => {
    const dir = copyIntents();
    const file = path.join(dir, 'services.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('请确认预约信息：{service}', '请确认预约信息：{serivce}'));
    const problems = lintBehaviour(loadBehaviour(dir), [...new Set(loadCorpus('corpus').train.map((r) => r.intent))]);
    expect(problems.join('\n')).toMatch(/appointment: form confirm uses unknown \{serivce\}/);
  });

  it('lint reports an intent the corpus does not train', () => {
    const problems = lintBehaviour(loadBehaviour('intents'), ['greeting', 'None']);
    expect(problems.some((p) => p.includes('residence_permit') && p.includes('no training utterances'))).toBe(true);
  });
});

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { TINY_CORPUS } from './helpers/tiny-model.js';

describe('maintainer CLIs on a tiny corpus', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'wz-cli-'));
  const env = { DATA_DIR: path.join(work, 'data'), CORPUS_DIR: TINY_CORPUS, LOG_LEVEL: 'silent' };
  let trained: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    trained = await cli('train', [], env);
  });

  it('train writes a model, makes it current and prints held-out metrics', () => {
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/now current/);
    expect(trained.stdout).toMatch(/in-scope accuracy/);
    expect(trained.stderr).toMatch(/training on \d+ utterances/);
  });

  it('eval --json prints the contract fields', async () => {
    const res = await cli('eval', ['--json'], env);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    for (const key of [
      'n',
      'accuracy',
      'top1Accuracy',
      'macroF1',
      'inScopeAccuracy',
      'oosRecall',
      'oosPrecision',
      'perIntent',
      'confusions',
    ]) {
      expect(report).toHaveProperty(key);
    }
    expect(report.n).toBe(4);
  });

  it('eval --data accepts JSONL with label as a synonym and ignores extra keys', async () => {
    const file = path.join(work, 'extra.jsonl');
    writeFileSync(file, '{"text":"居住证怎么续签","label":"residence_permit","style":"plain"}\n{"text":"讲个笑话吧","intent":"None"}\n');
    const res = await cli('eval', ['--data', file, '--json'], env);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).n).toBe(2);
  });

  it('eval --min-accuracy exits non-zero below the bar', async () => {
    const file = path.join(work, 'mislabelled.jsonl');
    writeFileSync(file, '{"text":"你好","intent":"residence_permit"}\n{"text":"我想提取公积金","intent":"housing_fund_withdraw"}\n');
    const below = await cli('eval', ['--data', file, '--min-accuracy', '0.9'], env);
    expect(below.code).toBe(2);
    expect(below.stderr).toMatch(/below --min-accuracy 90\.00%/);
    const above = await cli('eval', ['--data', file, '--min-accuracy', '40'], env);
    expect(above.code).toBe(0);
  });

  it('eval names the file and line of a malformed data line', async () => {
    const file = path.join(work, 'bad.jsonl');
    writeFileSync(file, '{"text":"a","intent":"None"}\n{"text": 3}\n');
    const res = await cli('eval', ['--data', file], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/DATA_INVALID.*bad\.jsonl:2/);
  });

  it('train --data trains on a JSONL file and --out writes the artifact there', async () => {
    const data = path.join(work, 'train.jsonl');
    const lines = ['你好', '您好', '在吗', '早上好'].map((t) => JSON.stringify({ text: t, label: 'greeting' }));
    lines.push(...['讲个笑话', '股票涨了吗', '推荐电影', '一加一等于几'].map((t) => JSON.stringify({ text: t, label: 'None' })));
    writeFileSync(data, `${lines.join('\n')}\n`);
    const out = path.join(work, 'jsonl-model');
    const res = await cli('train', ['--data', data, '--out', out], env);
    expect(res.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).intents).toEqual(['None', 'greeting']);
  });

  it('parse prints the full parse', async () => {
    const res = await cli('parse', ['我想提取公积金'], env);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ intent: 'housing_fund_withdraw', normalised: '我想提取公积金' });
  });

  it('train refuses a test split that leaks into training', async () => {
    const leaky = path.join(work, 'leaky-corpus');
    cpSync(TINY_CORPUS, leaky, { recursive: true });
    writeFileSync(path.join(leaky, 'test', 'heldout.jsonl'), '{"text":"我想提取公积金！","intent":"housing_fund_withdraw"}\n');
    const res = await cli('train', ['--corpus', leaky, '--out', path.join(work, 'never')], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/CORPUS_INVALID.*also occur in training/);
  });
});

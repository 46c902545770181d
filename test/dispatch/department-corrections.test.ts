import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDepartmentCorpus } from '../../src/dispatch/department-corpus.js';
import { CorpusDepartmentCorrections } from '../../src/dispatch/department-corrections.js';
import { trainingSet } from '../../src/nlu/corpus.js';
import { inRegressionSet } from '../../src/nlu/reviewed.js';
import { shippedDepartments, tinyCorpusWithDepartments } from '../helpers/dispatch-corpus.js';

const departments = shippedDepartments();
const at = Date.parse('2026-12-04T08:00:00Z');
const reviewedFile = (corpus: string, department: string) => path.join(corpus, 'departments', 'reviewed', `${department}.jsonl`);

describe('a staff correction of a ticket department', () => {
  it('is written to corpus/departments/reviewed/<department>.jsonl with who and when, personal data masked', async () => {
    const corpus = tinyCorpusWithDepartments();
    const corrections = new CorpusDepartmentCorrections(corpus, departments);
    const outcome = await corrections.recordOutcome({
      text: '某某路88号门口的水管爆了，电话13912345678',
      department: 'water_affairs',
      by: 'li',
      at,
    });
    expect(outcome).toBe('recorded');
    const lines = readFileSync(reviewedFile(corpus, 'water_affairs'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { text: '某某路**号门口的水管爆了，电话139****5678', department: 'water_affairs', reviewedAt: '2026-12-04T08:00:00.000Z', by: 'li' },
    ]);
  });

  it('becomes training data (or, one in five, regression data) for the next dispatch model', async () => {
    const corpus = tinyCorpusWithDepartments();
    const corrections = new CorpusDepartmentCorrections(corpus, departments);
    const texts = ['隧道里又淹了车都过不去', '高架下面的排水沟堵死了', '公交车空调坏了热死人'];
    await corrections.record({ text: texts[0] as string, department: 'water_affairs', by: 'li', at });
    await corrections.record({ text: texts[1] as string, department: 'water_affairs', by: 'li', at });
    await corrections.record({ text: texts[2] as string, department: 'transport', by: 'wang', at });
    const next = loadDepartmentCorpus(corpus, departments);
    const trained = trainingSet(next);
    for (const [i, text] of texts.entries()) {
      const department = i < 2 ? 'water_affairs' : 'transport';
      const where = inRegressionSet(text) ? next.reviewed.regression : trained;
      expect(where).toContainEqual({ text, intent: department });
    }
    expect(next.reviewed.train.length + next.reviewed.regression.length).toBe(3);
  });

  it('naming an unknown department is refused with the id named, and nothing is written', async () => {
    const corpus = tinyCorpusWithDepartments();
    const corrections = new CorpusDepartmentCorrections(corpus, departments);
    await expect(corrections.record({ text: '着火了', department: 'fire_brigade', by: 'li', at })).rejects.toMatchObject({
      code: 'UNKNOWN_DEPARTMENT',
      message: expect.stringContaining('unknown department "fire_brigade"'),
    });
    expect(existsSync(path.join(corpus, 'departments', 'reviewed'))).toBe(false);
  });

  it('is not written when its text is a held-out line, so the test split never leaks into training', async () => {
    const corpus = tinyCorpusWithDepartments();
    const corrections = new CorpusDepartmentCorrections(corpus, departments);
    // "家里停水一天了" is a line of the fixture's held-out split (punctuation and spaces do not make it another text).
    expect(await corrections.recordOutcome({ text: '家里停水 一天了！', department: 'transport', by: 'li', at })).toBe('heldout');
    expect(existsSync(reviewedFile(corpus, 'transport'))).toBe(false);
  });
});

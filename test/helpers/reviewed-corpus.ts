/** Writable copies of the tiny corpus with reviewed items, and a deliberately damaged variant. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCorpusYaml } from '../../src/nlu/corpus.js';
import { inRegressionSet } from '../../src/nlu/reviewed.js';
import { TINY_CORPUS } from './tiny-model.js';

export const REVIEWED_FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'reviewed');

/** A fresh copy of the tiny corpus plus corpus/reviewed/ from the fixture. */
export function tinyCorpusWithReviews(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-corpus-')), 'corpus');
  cpSync(TINY_CORPUS, dir, { recursive: true });
  cpSync(REVIEWED_FIXTURE, path.join(dir, 'reviewed'), { recursive: true });
  return dir;
}

/**
 * A copy whose training labels are half wrong: every other training line
 * (hand-written and reviewed) is moved to the next intent. The held-out
 * split and the regression set keep their true labels, so both models are
 * scored against the truth.
 */
export function damagedCopy(corpusDir: string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-damaged-')), 'corpus');
  cpSync(corpusDir, dir, { recursive: true });
  let n = 0;
  const trainDir = path.join(dir, 'train');
  for (const f of readdirSync(trainDir)) {
    const rows = parseCorpusYaml(readFileSync(path.join(trainDir, f), 'utf8'), f);
    const intents = [...new Set(rows.map((r) => r.intent))];
    const next = (i: string) => intents[(intents.indexOf(i) + 1) % intents.length] as string;
    const byIntent = new Map<string, string[]>();
    for (const r of rows) {
      const intent = n++ % 2 === 0 ? next(r.intent) : r.intent;
      byIntent.set(intent, [...(byIntent.get(intent) ?? []), r.text]);
    }
    writeFileSync(path.join(trainDir, f), [...byIntent].map(([i, texts]) => `${i}:\n${texts.map((t) => `  - ${t}\n`).join('')}`).join(''));
  }
  const reviewedDir = path.join(dir, 'reviewed');
  const files = readdirSync(reviewedDir);
  const intents = files.map((f) => f.replace(/\.jsonl$/, ''));
  for (const f of files) {
    const file = path.join(reviewedDir, f);
    const rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { text: string; intent: string });
    const damaged = rows.map((r) =>
      !inRegressionSet(r.text) && n++ % 2 === 0 ? { ...r, intent: intents[(intents.indexOf(r.intent) + 1) % intents.length] } : r,
    );
    writeFileSync(file, `${damaged.map((r) => JSON.stringify(r)).join('\n')}\n`);
  }
  return dir;
}

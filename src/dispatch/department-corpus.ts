/**
 * The dispatch model's corpus, beside the intent corpus and sharing its
 * dictionary:
 *
 *   departments/<department id>.yaml     a list of citizen messages that department must handle
 *   departments/None.yaml                messages that name no department's matter (待分派)
 *   departments/test/*.jsonl             the held-out split, {"text", "department"}, written
 *                                        by someone who never saw the training lines
 *   departments/reviewed/<id>.jsonl      staff corrections of a ticket's department
 *                                        (one in five kept back as the regression set)
 *   dict/gov-terms.txt, dict/corrections.tsv   shared with the intent model
 *
 * It loads into the same Corpus shape as the intent corpus, so training,
 * the leak check, the retrain gate and promotion need nothing of their own.
 * A department id that the department list lacks, anywhere, is an error
 * naming it and the file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { AppError } from '../core/errors.js';
import { OUT_OF_SCOPE } from '../core/parse.js';
import type { Corpus, LabelledText } from '../nlu/corpus.js';
import { parseCorrections } from '../nlu/corrections.js';
import { parseTerms } from '../nlu/jieba-segmenter.js';
import { parseReviewedJsonl, splitReviewed } from '../nlu/reviewed.js';
import type { Departments } from './departments.js';

export const DEPARTMENTS_CORPUS = 'departments';

const fail = (message: string): never => {
  throw new AppError('CORPUS_INVALID', message);
};

/** One department's file: a YAML list of non-empty strings. */
export function parseDepartmentYaml(source: string, file: string, department: string): LabelledText[] {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  const at = (node: unknown) => {
    const range = (node as { range?: [number, number, number] | null } | null)?.range;
    return `${file}:${range ? lines.linePos(range[0]).line : 1}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    fail(`${file}:${e?.linePos?.[0]?.line ?? 1}: ${e?.message.split('\n')[0]}`);
  }
  if (doc.contents === null) return [];
  if (!isSeq(doc.contents)) return fail(`${at(doc.contents)}: expected a list of citizen messages for ${department}`);
  return doc.contents.items.map((item) => {
    if (!isScalar(item) || typeof item.value !== 'string' || !item.value.trim()) {
      fail(`${at(item)}: each message must be a non-empty string`);
    }
    return { text: (item as { value: string }).value, intent: department };
  });
}

/** Held-out lines: {"text", "department"} ("intent" or "label" are accepted for "department"). */
export function parseDepartmentJsonl(source: string, file: string, departments: Departments): LabelledText[] {
  const out: LabelledText[] = [];
  for (const [i, line] of source.split(/\r?\n/).entries()) {
    if (!line.trim()) continue;
    let row: Record<string, unknown> = {};
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      fail(`${file}:${i + 1}: not valid JSON`);
    }
    const department = row.department ?? row.intent ?? row.label;
    if (typeof row.text !== 'string' || !row.text.trim() || typeof department !== 'string') {
      fail(`${file}:${i + 1}: expected {"text": string, "department": string}`);
    }
    departments.require(department as string, `${file}:${i + 1}`);
    out.push({ text: row.text as string, intent: department as string });
  }
  return out;
}

/** Whether the corpus has a dispatch part at all. */
export function hasDepartmentCorpus(corpusDir: string): boolean {
  return existsSync(path.join(corpusDir, DEPARTMENTS_CORPUS));
}

const listFiles = (dir: string, ext: RegExp) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((f) => f.isFile() && ext.test(f.name))
        .map((f) => f.name)
        .sort()
    : [];

/** Loads corpus/departments/ (and the shared corpus/dict/) for the dispatch model. */
export function loadDepartmentCorpus(corpusDir: string, departments: Departments): Corpus {
  const dir = path.join(corpusDir, DEPARTMENTS_CORPUS);
  const hash = createHash('sha256');
  const read = (file: string) => {
    const text = readFileSync(file, 'utf8');
    hash.update(path.relative(corpusDir, file)).update('\0').update(text).update('\0');
    return text;
  };
  const train: LabelledText[] = [];
  for (const name of listFiles(dir, /\.ya?ml$/)) {
    const file = path.join(dir, name);
    const id = name.replace(/\.ya?ml$/, '');
    // None.yaml: messages that name no department's matter, which stay in 待分派.
    if (id !== OUT_OF_SCOPE) departments.require(id, `${file} (a corpus file is named for its department, or None)`);
    train.push(...parseDepartmentYaml(read(file), file, id));
  }
  if (train.length === 0) fail(`${dir}: no training messages found in <department id>.yaml files`);
  const testDir = path.join(dir, 'test');
  const test = listFiles(testDir, /\.jsonl$/).flatMap((f) =>
    parseDepartmentJsonl(read(path.join(testDir, f)), path.join(testDir, f), departments),
  );
  const reviewedDir = path.join(dir, 'reviewed');
  const reviewedItems = listFiles(reviewedDir, /\.jsonl$/).flatMap((name) => {
    const file = path.join(reviewedDir, name);
    return parseReviewedJsonl(read(file), file, 'department').map((item, i) => {
      departments.require(item.intent, `${file} (item ${i + 1})`);
      return item;
    });
  });
  const termsFile = path.join(corpusDir, 'dict', 'gov-terms.txt');
  const correctionsFile = path.join(corpusDir, 'dict', 'corrections.tsv');
  const terms = existsSync(termsFile) ? parseTerms(read(termsFile)) : [];
  let corrections: Corpus['corrections'] = [];
  if (existsSync(correctionsFile)) {
    try {
      corrections = parseCorrections(read(correctionsFile), correctionsFile);
    } catch (e) {
      fail((e as Error).message);
    }
  }
  const reviewed = splitReviewed(reviewedItems, { training: train, heldout: test });
  return { train, augmented: [], test, aspects: [], reviewed, terms, corrections, hash: hash.digest('hex') };
}

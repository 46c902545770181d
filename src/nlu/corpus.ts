/**
 * Reading training and evaluation data. The shipped corpus is YAML, one file
 * per domain (`intent: [utterances]`), so maintainers edit it without code;
 * any labelled set can also come as JSONL lines `{"text", "intent"}` (or
 * `label`), the format of the public benchmarks. Errors name file and line.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { isAspect } from '../core/aspects.js';
import { AppError } from '../core/errors.js';
import { expandOosTemplates, parseOosTemplates } from './augment.js';
import { type CorrectionTable, parseCorrections } from './corrections.js';
import { parseTerms } from './jieba-segmenter.js';
import { parseReviewedJsonl, type ReviewedSplit, splitReviewed } from './reviewed.js';

export interface LabelledText {
  text: string;
  intent: string;
}

const OUT_OF_SCOPE_LABEL = 'None';
const INTENT_ID = /^(?:None|[a-z][a-z0-9_]*)$/;

function fail(message: string): never {
  throw new AppError('CORPUS_INVALID', message);
}

/** Parses one corpus YAML file: a map from intent id to a list of strings. */
export function parseCorpusYaml(source: string, file: string): LabelledText[] {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  const at = (node: { range?: [number, number, number] | null } | null | undefined) =>
    `${file}:${node?.range ? lines.linePos(node.range[0]).line : 1}`;
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    fail(`${file}:${e?.linePos?.[0]?.line ?? 1}: ${e?.message.split('\n')[0]}`);
  }
  if (doc.contents === null) return [];
  if (!isMap(doc.contents)) fail(`${at(doc.contents)}: expected a map from intent id to a list of utterances`);
  const out: LabelledText[] = [];
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!INTENT_ID.test(key)) fail(`${at(pair.key as never)}: "${key}" is not a valid intent id (lower_snake_case or None)`);
    if (!isSeq(pair.value)) fail(`${at(pair.key as never)}: intent "${key}" must map to a list of utterances`);
    for (const item of pair.value.items) {
      if (!isScalar(item) || typeof item.value !== 'string' || !item.value.trim()) {
        fail(`${at(item as never)}: utterances of "${key}" must be non-empty strings`);
      }
      out.push({ text: item.value, intent: key });
    }
  }
  return out;
}

/** Parses JSONL with `text` and `intent` (or `label`, or `department` in the dispatch corpus); other keys are ignored. */
export function parseJsonl(source: string, file: string): LabelledText[] {
  const out: LabelledText[] = [];
  source.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new AppError('DATA_INVALID', `${file}:${i + 1}: not valid JSON`);
    }
    const r = row as Record<string, unknown>;
    const intent = r.intent ?? r.label ?? r.department;
    if (typeof r.text !== 'string' || typeof intent !== 'string' || !intent) {
      throw new AppError(
        'DATA_INVALID',
        `${file}:${i + 1}: expected {"text": string, "intent": string} ("label" is accepted for "intent")`,
      );
    }
    out.push({ text: r.text, intent });
  });
  return out;
}

export function readLabelledFile(file: string): LabelledText[] {
  if (!existsSync(file)) throw new AppError('DATA_INVALID', `${file}: no such file`);
  const source = readFileSync(file, 'utf8');
  return /\.ya?ml$/i.test(file) ? parseCorpusYaml(source, file) : parseJsonl(source, file);
}

export interface Corpus {
  /** Hand-written utterances from train/*.yaml. */
  train: LabelledText[];
  /** Out-of-scope lines generated from augment/out-of-scope-templates.yaml. */
  augmented: LabelledText[];
  test: LabelledText[];
  /** aspects/*.yaml: follow-up phrasings labelled with the aspect they ask (`intent` holds the aspect, or None). */
  aspects: LabelledText[];
  /** reviewed/*.jsonl: labelled citizen messages, split into training and the regression set. */
  reviewed: ReviewedSplit;
  terms: string[];
  corrections: CorrectionTable;
  /** SHA-256 over every file that shapes a model. */
  hash: string;
}

const sorted = (dir: string, ext: RegExp) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => ext.test(f))
        .sort()
        .map((f) => path.join(dir, f))
    : [];

/** A JSONL file of multi-turn conversations (`{"id", "turns": [...]}` lines), which is not a labelled single-message split. */
export const isMultiTurnSource = (source: string): boolean => /^\s*\{[^\n]*"turns"\s*:/.test(source);

/**
 * Loads corpus/: train/*.yaml, test/*.jsonl (multi-turn files skipped: they
 * are read by eval --data), aspects/*.yaml, reviewed/*.jsonl (optional),
 * dict/gov-terms.txt, dict/corrections.tsv.
 */
export function loadCorpus(dir: string): Corpus {
  const hash = createHash('sha256');
  const read = (file: string) => {
    const text = readFileSync(file, 'utf8');
    hash.update(path.relative(dir, file)).update('\0').update(text).update('\0');
    return text;
  };
  const train = sorted(path.join(dir, 'train'), /\.ya?ml$/).flatMap((f) => parseCorpusYaml(read(f), f));
  const test = sorted(path.join(dir, 'test'), /\.jsonl$/).flatMap((f) => {
    const source = readFileSync(f, 'utf8');
    return isMultiTurnSource(source) ? [] : parseJsonl(read(f), f);
  });
  const aspects = sorted(path.join(dir, 'aspects'), /\.ya?ml$/).flatMap((f) => parseCorpusYaml(read(f), f));
  for (const a of aspects)
    if (a.intent !== OUT_OF_SCOPE_LABEL && !isAspect(a.intent)) fail(`${dir}/aspects: "${a.intent}" is not an aspect`);
  const termsFile = path.join(dir, 'dict', 'gov-terms.txt');
  const correctionsFile = path.join(dir, 'dict', 'corrections.tsv');
  const templatesFile = path.join(dir, 'augment', 'out-of-scope-templates.yaml');
  const terms = existsSync(termsFile) ? parseTerms(read(termsFile)) : [];
  const corrections = existsSync(correctionsFile) ? parseCorrections(read(correctionsFile), correctionsFile) : [];
  const augmented = existsSync(templatesFile) ? expandOosTemplates(parseOosTemplates(read(templatesFile), templatesFile), terms) : [];
  if (train.length === 0) fail(`${dir}: no training utterances found in train/*.yaml`);
  const reviewedItems = sorted(path.join(dir, 'reviewed'), /\.jsonl$/).flatMap((f) => parseReviewedJsonl(read(f), f));
  const reviewed = splitReviewed(reviewedItems, { training: [...train, ...augmented], heldout: test });
  return { train, augmented, test, aspects, reviewed, terms, corrections, hash: hash.digest('hex') };
}

/** Everything the corpus trains on: hand-written, reviewed (minus the regression set) and generated lines. */
export function trainingSet(corpus: Corpus): LabelledText[] {
  return [...corpus.train, ...corpus.reviewed.train, ...corpus.augmented];
}

/** Hash of a labelled set (for a model trained from a JSONL file). */
export function hashLabelled(rows: readonly LabelledText[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(r.intent).update('\t').update(r.text).update('\n');
  return h.digest('hex');
}

/** Test lines whose text (after `key`) also occurs in training. */
export function findLeaks(train: readonly LabelledText[], test: readonly LabelledText[], key: (t: string) => string): LabelledText[] {
  const seen = new Set(train.map((r) => key(r.text)));
  return test.filter((r) => seen.has(key(r.text)));
}

/**
 * The nodejieba adapter: the only file that imports nodejieba.
 *
 * nodejieba keeps one dictionary per process. Loading it reads the 5 MB main
 * dictionary (≈1.8 s measured here), so it is done once; a model loaded later
 * (hot swap) adds its government terms with insertWord, which is cheap. A term
 * removed from a newer dictionary stays known until the next restart, which
 * only ever keeps a word together and never splits one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jieba from 'nodejieba';
import type { Segmenter } from '../core/ports.js';

const inserted = new Set<string>();
let loaded = false;

// Tokens that are only punctuation, symbols or spaces carry no meaning.
const MEANINGLESS = /^[\s\p{P}\p{S}]*$/u;

/** Parses a user dictionary: one term per line, `#` comments, optional extra columns ignored. */
export function parseTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const term = line.trim().split(/\s+/)[0];
    if (term && !term.startsWith('#')) terms.add(term);
  }
  return [...terms];
}

function ensureTerms(terms: readonly string[]): void {
  if (!loaded) {
    // cppjieba reads the user dictionary from a file; the artifact keeps the
    // terms, so write them to a private temporary file for the one load.
    const dir = mkdtempSync(path.join(tmpdir(), 'wenzheng-jieba-'));
    const file = path.join(dir, 'user.dict.utf8');
    writeFileSync(file, `${terms.join('\n')}\n`);
    jieba.load({ userDict: file });
    loaded = true;
    for (const t of terms) inserted.add(t);
    return;
  }
  for (const t of terms) {
    if (!inserted.has(t)) {
      jieba.insertWord(t);
      inserted.add(t);
    }
  }
}

/** A segmenter that knows the given government terms (user dictionary). */
export function createJiebaSegmenter(terms: readonly string[]): Segmenter {
  ensureTerms(terms);
  return {
    segment(text: string): string[] {
      if (!text) return [];
      return jieba.cut(text, true).filter((t) => !MEANINGLESS.test(t));
    },
  };
}

/**
 * Pinyin spellings of government terms, as citizens type them when they
 * can't find the characters: jiazhao补办, gongjijin怎么取, gjj提取. Generated
 * from the terms dictionary with the pinyin of CEDICT (shipped inside
 * @nlpjs/lang-zh; this file is its only reader) and added to the correction
 * table at training time, so the artifact carries them and serving needs no
 * dictionary. Full pinyin for every term of 2+ characters; initials (gjj)
 * only for 3+ characters and only when no other term shares them.
 */
import { createRequire } from 'node:module';
import type { CorrectionTable } from './corrections.js';

const require = createRequire(import.meta.url);

interface Cedict {
  getPinyin(word: string): string[] | string;
}

let cedict: Cedict | undefined;
function dictionary(): Cedict {
  if (!cedict) {
    // lang-zh prints "Compiling dictionary" while it builds its index; keep stdout for results.
    const log = console.log;
    console.log = () => {};
    try {
      cedict = require('@nlpjs/lang-zh/src/dictionary') as Cedict;
      cedict.getPinyin('中');
    } finally {
      console.log = log;
    }
  }
  return cedict;
}

/** Toneless syllables of a word, or null when a character has no known reading. */
export function syllables(word: string): string[] | null {
  const dict = dictionary();
  const whole = dict.getPinyin(word);
  if (Array.isArray(whole) && whole[0]) return whole[0].replace(/[0-9]/g, '').toLowerCase().split(/\s+/);
  const out: string[] = [];
  for (const ch of word) {
    const r = dict.getPinyin(ch);
    // Several readings: the first is CEDICT's most common one.
    if (!Array.isArray(r) || !r[0]) return null;
    out.push((r[0].split(/\s+/)[0] ?? '').replace(/[0-9]/g, '').toLowerCase());
  }
  return out;
}

export function pinyinCorrections(terms: readonly string[]): CorrectionTable {
  const full = new Map<string, string>();
  const initials = new Map<string, string | null>();
  for (const term of terms) {
    if (!/^\p{Script=Han}{2,}$/u.test(term)) continue;
    const s = syllables(term);
    if (!s || s.some((x) => !/^[a-z]+$/.test(x))) continue;
    const joined = s.join('');
    if (!full.has(joined)) full.set(joined, term);
    if (s.length >= 3) {
      const ini = s.map((x) => x[0]).join('');
      initials.set(ini, initials.has(ini) && initials.get(ini) !== term ? null : term);
    }
  }
  const pairs: Array<[string, string]> = [...full.entries()];
  for (const [ini, term] of initials) if (term && !full.has(ini)) pairs.push([ini, term]);
  return pairs;
}

/**
 * Spelling corrections for frequent misspellings and homophones citizens type
 * (公基金 → 公积金). The table lives in corpus/dict/corrections.tsv so that
 * maintainers extend it without code; it is copied into each model artifact.
 */
import { compilePinyinPhrases, LATIN_PHRASE } from './pinyin-phrases.js';

export type CorrectionTable = ReadonlyArray<readonly [wrong: string, right: string]>;

/** Parses `wrong<TAB>right` lines; `#` starts a comment line. */
export function parseCorrections(tsv: string, source = 'corrections.tsv'): CorrectionTable {
  const pairs: Array<[string, string]> = [];
  const seen = new Map<string, number>();
  tsv.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.startsWith('#')) return;
    const cols = line.split('\t').map((c) => c.trim());
    if (cols.length !== 2 || !cols[0] || !cols[1]) {
      throw new Error(`${source}:${i + 1}: expected "wrong<TAB>right", got ${JSON.stringify(line)}`);
    }
    const [wrong, right] = cols as [string, string];
    if (wrong === right) throw new Error(`${source}:${i + 1}: "${wrong}" corrects to itself`);
    const prior = seen.get(wrong);
    if (prior !== undefined) throw new Error(`${source}:${i + 1}: "${wrong}" already corrected on line ${prior}`);
    seen.set(wrong, i + 1);
    pairs.push([wrong, right]);
  });
  for (const [wrong, right] of pairs) {
    if (seen.has(right)) throw new Error(`${source}: "${wrong}" → "${right}" chains into another correction`);
  }
  return pairs;
}

/**
 * Compiles the table into one alternation, longest first, so that a single
 * left-to-right pass applies every correction without re-scanning the text
 * per entry (the table has hundreds of lines; a parse must stay in microseconds).
 */
export function compileCorrector(table: CorrectionTable): (text: string) => string {
  if (table.length === 0) return (text) => text;
  // Latin keys (pinyin such as jiazhao, gjj) must match a whole Latin run,
  // or they would rewrite the inside of an English word; looking each run up
  // in a map is also far faster than a regex alternation of a thousand
  // pinyin spellings with look-arounds (1.3 ms per message, measured).
  const latin = new Map(table.filter(([w]) => /^[a-z]+$/.test(w)));
  const pinyin = compilePinyinPhrases(latin);
  const han = new Map(table.filter(([w]) => !/^[a-z]+$/.test(w)));
  const escaped = [...han.keys()].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const hanPattern = escaped.length > 0 ? new RegExp(escaped.join('|'), 'g') : null;
  return (text) => {
    let out =
      latin.size > 0 && /[a-z]/.test(text)
        ? text.replace(
            LATIN_PHRASE,
            (phrase) => latin.get(phrase) ?? pinyin(phrase) ?? phrase.replace(/[a-z]+/g, (run) => latin.get(run) ?? run),
          )
        : text;
    if (hanPattern) out = out.replace(hanPattern, (m) => han.get(m) ?? m);
    return out;
  };
}

/**
 * Adds generated pairs to a curated table: the curated entry wins on the
 * same key, and a generated pair that would chain (its right side is a key,
 * or its key is a curated right side) is dropped.
 */
export function mergeCorrections(curated: CorrectionTable, generated: CorrectionTable): CorrectionTable {
  const keys = new Set(curated.map(([w]) => w));
  const rights = new Set(curated.map(([, r]) => r));
  const extra = generated.filter(([w, r]) => !keys.has(w) && !rights.has(w) && !keys.has(r));
  return [...curated, ...extra];
}

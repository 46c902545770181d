/**
 * Jieba's mixed segmentation — what nodejieba.cut(text, true) runs: the
 * most probable path through the dictionary's word DAG, then an HMM over the
 * runs of single characters — as cppjieba 5.x does it (MixSegment,
 * MPSegment, HMMSegment, PreFilter), step for step, over the same dictionary
 * files, so the tokens are the same to the character (test/nlu/jieba-cut.test.ts
 * compares the two on every corpus text).
 *
 * Why not the native addon: nodejieba.load builds two copies of the 349k-word
 * trie (one for a TextRank extractor we never call) and an IDF table: 230 MB
 * of resident memory, measured, against a 400 MB budget for the whole server.
 * The same trie in typed arrays (rune-trie.ts) takes ~30 MB.
 */
import { readFileSync } from 'node:fs';
import { RuneTrie } from './rune-trie.js';

// cppjieba's constants: the weight of an impossible HMM state, and the runes
// that always stand alone (PreFilter): space, tab, newline, '，' and '。'.
const MIN_DOUBLE = -3.14e100;
const SEPARATORS = new Set([0x20, 0x09, 0x0a, 0xff0c, 0x3002]);
const MAX_WORD_LENGTH = 512;
// HMM states: B(egin) 0, E(nd) 1, M(iddle) 2, S(ingle) 3.
const E = 1;
const S = 3;
const asciiTrim = (s: string) => s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');

/** Lines as C++ getline reads them: a final newline does not start another line. */
function lines(text: string): string[] {
  const out = text.split('\n');
  if (out.at(-1) === '') out.pop();
  return out;
}

/** limonp::Split: fields between any of the separator characters; no empty field after a trailing one. */
function split(s: string, separators: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < s.length) {
    let end = start;
    while (end < s.length && !separators.includes(s[end] as string)) end++;
    out.push(s.slice(start, end));
    if (end >= s.length) break;
    start = end + 1;
  }
  return out;
}

interface HmmModel {
  start: number[];
  trans: number[][];
  emit: Array<Map<number, number>>;
}

function loadHmm(file: string): HmmModel {
  const content = lines(readFileSync(file, 'utf8'))
    .map(asciiTrim)
    .filter((l) => l !== '' && !l.startsWith('#'));
  const numbers = (l: string | undefined) => split(l ?? '', ' ').map((x) => Number.parseFloat(x));
  const emit = content.slice(5, 9).map((l) => {
    const m = new Map<number, number>();
    for (const pair of split(l, ',')) {
      const [ch, p] = split(pair, ':');
      m.set((ch as string).codePointAt(0) as number, Number.parseFloat(p as string));
    }
    return m;
  });
  if (emit.length !== 4) throw new Error(`${file}: not a jieba HMM model`);
  return { start: numbers(content[0]), trans: [1, 2, 3, 4].map((i) => numbers(content[i])), emit };
}

export class JiebaCut {
  private readonly trie = new RuneTrie();
  private readonly userSingles = new Set<number>();
  private readonly minWeight: number;
  private readonly medianWeight: number;
  private readonly hmm: HmmModel;

  constructor(dictFile: string, hmmFile: string) {
    // One pass for the frequencies, one to insert the words, without an
    // array of lines or fields: the transient garbage of a split() load
    // alone was ~80 MB of peak resident memory.
    const text = readFileSync(dictFile, 'utf8');
    const fields = (start: number, end: number): [number, number] => {
      const a = text.indexOf(' ', start);
      const b = a < 0 || a >= end ? -1 : text.indexOf(' ', a + 1);
      if (b < 0 || b >= end || text.slice(b + 1, end).includes(' '))
        throw new Error(`${dictFile}: expected "word freq tag", got ${JSON.stringify(text.slice(start, end))}`);
      return [a, b];
    };
    const eachLine = (visit: (start: number, end: number) => void) => {
      for (let start = 0; start < text.length; ) {
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        visit(start, end);
        start = end + 1;
      }
    };
    const freqs: number[] = [];
    eachLine((start, end) => {
      const [a, b] = fields(start, end);
      freqs.push(Number.parseFloat(text.slice(a + 1, b)));
    });
    let sum = 0;
    for (const f of freqs) sum += f;
    const weights = Float64Array.from(freqs, (f) => Math.log(f / sum));
    const sorted = weights.slice().sort();
    this.minWeight = sorted[0] as number;
    this.medianWeight = sorted[sorted.length >> 1] as number;
    // A word listed twice keeps its last weight, as cppjieba's trie does.
    let i = 0;
    eachLine((start, end) => {
      const [a] = fields(start, end);
      this.trie.insert(text, start, a, weights[i++] as number);
    });
    this.hmm = loadHmm(hmmFile);
  }

  /** A user dictionary's terms (no frequency): the median weight; a one-character term is never re-cut by the HMM. */
  loadUserTerms(terms: readonly string[]): void {
    for (const t of terms) {
      this.trie.insert(t, 0, t.length, this.medianWeight);
      const first = t.codePointAt(0);
      if (first !== undefined && t.length === (first > 0xffff ? 2 : 1)) this.userSingles.add(first);
    }
  }

  /** nodejieba.insertWord: the median weight, and unlike a user dictionary, no single-character rule. */
  insertWord(term: string): void {
    this.trie.insert(term, 0, term.length, this.medianWeight);
  }

  cut(input: string): string[] {
    // Node hands the addon UTF-8, where a lone surrogate becomes U+FFFD.
    const text = wellFormed(input);
    const runes = new Int32Array(text.length);
    const at = new Int32Array(text.length + 1);
    let n = 0;
    for (let i = 0; i < text.length; n++) {
      const c = text.codePointAt(i) as number;
      runes[n] = c;
      at[n] = i;
      i += c > 0xffff ? 2 : 1;
    }
    at[n] = text.length;
    const r: Runes = { text, runes, at };
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i <= n; i++) {
      if (i < n && !SEPARATORS.has(runes[i] as number)) continue;
      if (i > start) this.mix(r, start, i, out);
      if (i < n) this.mix(r, i, i + 1, out);
      start = i + 1;
    }
    return out;
  }

  /** MixSegment: dictionary words stay; runs of single characters go to the HMM. */
  private mix(r: Runes, from: number, to: number, out: string[]): void {
    const lengths = this.maxProbability(r.runes, from, to);
    let i = from;
    while (i < to) {
      const len = lengths[i - from] as number;
      if (len > 1 || this.userSingles.has(r.runes[i] as number)) {
        out.push(word(r, i, i + len));
        i += len;
        continue;
      }
      let j = i;
      while (j < to && lengths[j - from] === 1 && !this.userSingles.has(r.runes[j] as number)) j++;
      this.hmmCut(r, i, j, out);
      i = j;
    }
  }

  /**
   * MPSegment: for each position, the length of the word that starts the most
   * probable segmentation of the rest (1 for a character the dictionary lacks).
   * Candidates are compared in cppjieba's order with its strict `>`, so ties
   * break the same way.
   */
  private maxProbability(runes: Int32Array, from: number, to: number): Int32Array {
    const n = to - from;
    const best = new Float64Array(n + 1);
    const length = new Int32Array(n);
    const trie = this.trie;
    for (let i = n - 1; i >= 0; i--) {
      let node = trie.child(RuneTrie.ROOT, runes[from + i] as number);
      let top = MIN_DOUBLE;
      let len = 1;
      let val = 0;
      if (i + 1 < n) val += best[i + 1] as number;
      const single = node < 0 ? Number.NaN : trie.weight(node);
      val += Number.isNaN(single) ? this.minWeight : single;
      if (val > top) top = val;
      for (let j = i + 1; node >= 0 && j < n && j - i + 1 <= MAX_WORD_LENGTH; j++) {
        node = trie.child(node, runes[from + j] as number);
        if (node < 0) break;
        const w = trie.weight(node);
        if (Number.isNaN(w)) continue;
        val = 0;
        if (j + 1 < n) val += best[j + 1] as number;
        val += w;
        if (val > top) {
          top = val;
          len = j - i + 1;
        }
      }
      best[i] = top;
      length[i] = len;
    }
    return length;
  }

  /** HMMSegment: ASCII letters+digits and numbers stay whole, other ASCII alone, the rest by Viterbi. */
  private hmmCut(r: Runes, from: number, to: number, out: string[]): void {
    const runes = r.runes;
    let left = from;
    let right = from;
    while (right < to) {
      if ((runes[right] as number) >= 0x80) {
        right++;
        continue;
      }
      if (left !== right) this.viterbi(r, left, right, out);
      left = right;
      right = left + 1;
      if (letter(runes[left] as number)) while (right < to && (letter(runes[right] as number) || digit(runes[right] as number))) right++;
      else if (digit(runes[left] as number)) while (right < to && (digit(runes[right] as number) || runes[right] === 0x2e)) right++;
      out.push(word(r, left, right));
      left = right;
    }
    if (left !== right) this.viterbi(r, left, right, out);
  }

  private viterbi(r: Runes, from: number, to: number, out: string[]): void {
    const { start, trans, emit } = this.hmm;
    const X = to - from;
    const weight = new Float64Array(X * 4);
    const path = new Int8Array(X * 4);
    for (let y = 0; y < 4; y++) {
      weight[y * X] = (start[y] as number) + ((emit[y] as Map<number, number>).get(r.runes[from] as number) ?? MIN_DOUBLE);
      path[y * X] = -1;
    }
    for (let x = 1; x < X; x++) {
      for (let y = 0; y < 4; y++) {
        const now = x + y * X;
        weight[now] = MIN_DOUBLE;
        path[now] = E;
        const e = (emit[y] as Map<number, number>).get(r.runes[from + x] as number) ?? MIN_DOUBLE;
        for (let prev = 0; prev < 4; prev++) {
          const tmp = (weight[x - 1 + prev * X] as number) + ((trans[prev] as number[])[y] as number) + e;
          if (tmp > (weight[now] as number)) {
            weight[now] = tmp;
            path[now] = prev;
          }
        }
      }
    }
    let state = (weight[X - 1 + E * X] as number) >= (weight[X - 1 + S * X] as number) ? E : S;
    const status = new Int8Array(X);
    for (let x = X - 1; x >= 0; x--) {
      status[x] = state;
      state = path[x + state * X] as number;
    }
    let left = 0;
    for (let i = 0; i < X; i++) {
      // E or S ends a word.
      if ((status[i] as number) % 2 === 1) {
        out.push(word(r, from + left, from + i + 1));
        left = i + 1;
      }
    }
  }
}

// Plain functions, not closures made per call: under tsx each arrow function
// made at run time costs a defineProperty (esbuild's keepNames).
function letter(x: number): boolean {
  return (x >= 0x61 && x <= 0x7a) || (x >= 0x41 && x <= 0x5a);
}

function digit(x: number): boolean {
  return x >= 0x30 && x <= 0x39;
}

/** A text as runes (code points) with where each starts in the string. */
interface Runes {
  text: string;
  runes: Int32Array;
  at: Int32Array;
}

// ES2024 string methods, in Node 20 but not in this project's TypeScript lib.
const wellFormed = (s: string) => {
  const es2024 = s as string & { isWellFormed(): boolean; toWellFormed(): string };
  return es2024.isWellFormed() ? s : es2024.toWellFormed();
};

const word = (r: Runes, from: number, to: number) => r.text.slice(r.at[from], r.at[to]);

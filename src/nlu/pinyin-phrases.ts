/**
 * Whole-pinyin messages (gong ji jin zen me ti qu, gongjijinzenmetiqu):
 * the correction table maps one Latin run to a term (jiazhao → 驾照), but a
 * citizen who types a whole question in pinyin gives runs that are single
 * syllables, or one long run for many words. Here a run of Latin words is
 * cut into known pinyin words (the pinyin keys of the correction table:
 * the terms and the everyday words of pinyin.ts) with the fewest words, and
 * replaced by their characters before segmentation.
 *
 * Only when it reads as pinyin: every key used is a sequence of valid
 * syllables (so initials such as gjj are not cut out of longer runs), an
 * unspaced run must be covered entirely, and at least one multi-syllable
 * word must be found (ma + de is not enough to rewrite "made"). In spaced
 * input a syllable that is no known word stays as typed, and the rest is
 * still converted (su liao ping 是什么垃圾).
 */

// Initial (optional) + final: every toneless Hanyu Pinyin syllable matches (and a few non-syllables, harmlessly).
const SYLLABLE =
  '(?:[bpmfdtnlgkhjqxzcsrwy]|zh|ch|sh)?(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ue|ui|ve|er|a|o|e|i|u|v)';
const ONE_SYLLABLE = new RegExp(`^${SYLLABLE}$`);
const SYLLABLES = new RegExp(`^(?:${SYLLABLE})+$`);
/** Latin words separated by single spaces (normalise has collapsed runs of spaces). */
export const LATIN_PHRASE = /[a-z]+(?: [a-z]+)*/g;
const MAX_KEY = 24;

export type PhraseConverter = (phrase: string) => string | null;

/** From the Latin keys of the correction table; null where nothing reads as pinyin. */
export function compilePinyinPhrases(latin: ReadonlyMap<string, string>): PhraseConverter {
  const words = new Map<string, string>();
  for (const [key, hanzi] of latin) if (key.length <= MAX_KEY && SYLLABLES.test(key)) words.set(key, hanzi);
  if (words.size === 0) return () => null;

  /** Fewest-words cover of one unspaced run, or null. */
  const cover = (run: string): { out: string; multi: boolean } | null => {
    const best: Array<{ n: number; out: string; multi: boolean } | null> = [{ n: 0, out: '', multi: false }];
    for (let end = 1; end <= run.length; end++) {
      best[end] = null;
      for (let start = Math.max(0, end - MAX_KEY); start < end; start++) {
        const prior = best[start];
        const hanzi = prior && words.get(run.slice(start, end));
        if (!prior || !hanzi) continue;
        const current = best[end];
        if (!current || prior.n + 1 < current.n) {
          best[end] = { n: prior.n + 1, out: prior.out + hanzi, multi: prior.multi || !ONE_SYLLABLE.test(run.slice(start, end)) };
        }
      }
    }
    return best[run.length] ?? null;
  };

  return (phrase) => {
    const tokens = phrase.split(' ');
    if (tokens.length === 1) {
      const c = cover(phrase);
      return c?.multi ? c.out : null;
    }
    // Spaced: words may span several syllables (gong ji jin); a token that starts no known word stays as typed.
    const best: Array<{ cost: number; out: string; multi: boolean } | null> = [{ cost: 0, out: '', multi: false }];
    for (let end = 1; end <= tokens.length; end++) {
      best[end] = null;
      for (let start = Math.max(0, end - 8); start < end; start++) {
        const prior = best[start];
        if (!prior) continue;
        const joined = tokens.slice(start, end).join('');
        let step: { cost: number; out: string; multi: boolean } | null = null;
        const c = cover(joined);
        if (c) step = { cost: 1, out: c.out, multi: c.multi || end - start > 1 };
        else if (end - start === 1) step = { cost: 3, out: `${start > 0 ? ' ' : ''}${joined} `, multi: false };
        if (!step) continue;
        const total = { cost: prior.cost + step.cost, out: prior.out + step.out, multi: prior.multi || step.multi };
        const current = best[end];
        if (!current || total.cost < current.cost) best[end] = total;
      }
    }
    const r = best[tokens.length];
    return r?.multi ? r.out.replace(/ +/g, ' ').trim() : null;
  };
}

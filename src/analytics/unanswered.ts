/**
 * Unanswered demand: citizen questions the assistant could not answer (or
 * answered with low confidence), grouped so that the same question asked
 * in slightly different ways counts once with its number of askers. The
 * grouping is the review queue's (src/review/group.ts: the review key, then
 * near-duplicates by character bigrams), so a group on the dashboard is an
 * item a maintainer can label. Only masked text comes in; the texts are
 * untrusted and escaped when shown.
 */
import type { UnansweredMessage } from '../core/analytics.js';
import { NEAR_DUPLICATE_JACCARD } from '../review/group.js';
import { clusterNearDuplicates } from '../review/near-duplicates.js';
import { reviewKey } from '../review/review-key.js';

export interface UnansweredGroup {
  /** The most frequent wording in the group (masked). */
  text: string;
  count: number;
  /** How many were not understood at all (the rest were answered with low confidence). */
  notUnderstood: number;
  /** The intent the low-confidence answers went to most often, if any. */
  guessedIntent: string | null;
  /** Up to three other wordings, newest first. */
  examples: string[];
  lastAt: number;
}

const MAX_TEXT = 80;

const clip = (s: string) => {
  const chars = [...s.trim().replace(/\s+/g, ' ')];
  return chars.length > MAX_TEXT ? `${chars.slice(0, MAX_TEXT - 1).join('')}…` : chars.join('');
};

/** The most frequent value; among equals the shortest (the plainest wording), then the first seen. */
function mostFrequent(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) {
    const b = best === null ? 0 : (counts.get(best) ?? 0);
    if (best === null || n > b || (n === b && [...v].length < [...best].length)) best = v;
  }
  return best;
}

/** The `limit` largest groups, largest first (ties: most recent first). `messages` are newest first. */
export function groupUnanswered(messages: readonly UnansweredMessage[], limit: number): UnansweredGroup[] {
  const byKey = new Map<string, UnansweredMessage[]>();
  for (const m of messages) {
    const key = reviewKey(m.maskedText);
    if (!key) continue;
    const list = byKey.get(key);
    if (list) list.push(m);
    else byKey.set(key, [m]);
  }
  // Most asked first: a near-duplicate joins the most frequent wording like it.
  const wordings = [...byKey].sort(([ka, a], [kb, b]) => b.length - a.length || (b[0]?.at ?? 0) - (a[0]?.at ?? 0) || (ka < kb ? -1 : 1));
  const clusters = clusterNearDuplicates(
    wordings.map(([key]) => key),
    NEAR_DUPLICATE_JACCARD,
  );
  const result = clusters.map((cluster) => present(cluster.flatMap((i) => wordings[i]?.[1] ?? []).sort((a, b) => b.at - a.at)));
  return result.sort((a, b) => b.count - a.count || b.lastAt - a.lastAt).slice(0, limit);
}

/** One group: `list` newest first. */
function present(list: readonly UnansweredMessage[]): UnansweredGroup {
  const wordings = list.map((m) => clip(m.maskedText));
  const text = mostFrequent(wordings) ?? '';
  return {
    text,
    count: list.length,
    notUnderstood: list.filter((m) => m.outcome === 'fallback' || m.outcome === null).length,
    guessedIntent: mostFrequent(
      list.filter((m) => m.outcome !== 'fallback' && m.outcome !== null && m.intent).map((m) => m.intent as string),
    ),
    examples: [...new Set(wordings)].filter((w) => w !== text).slice(0, 3),
    lastAt: list[0]?.at ?? 0,
  };
}

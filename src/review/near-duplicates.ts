/**
 * Near-duplicate clustering of short texts by character-bigram Jaccard
 * similarity, fast enough for tens of thousands of distinct texts.
 *
 * Greedy: texts come in priority order (most frequent first); each joins
 * the most similar existing cluster *representative* at or above the
 * threshold, or starts a cluster. Comparing with representatives only keeps
 * clusters from chaining (A≈B, B≈C, A≉C) and makes the result depend on
 * nothing but the input order. Candidate representatives are found with
 * prefix filtering (Bayardo et al., "Scaling up all pairs similarity
 * search"): with every set's bigrams sorted rarest first, two sets with
 * Jaccard ≥ t must share a bigram within their first |s| − ⌈t·|s|⌉ + 1, so
 * only those are indexed and probed.
 */

/** Unique character bigrams; a one-character text is its own single "bigram". */
export function bigrams(text: string): string[] {
  const chars = [...text];
  if (chars.length < 2) return chars.length ? [chars.join('')] : [];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(`${chars[i]}${chars[i + 1]}`);
  return [...out];
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/** Clusters of indexes into `texts`; each cluster's first index is its representative. */
export function clusterNearDuplicates(texts: readonly string[], threshold: number): number[][] {
  const grams = texts.map(bigrams);
  const df = new Map<string, number>();
  for (const g of grams) for (const x of g) df.set(x, (df.get(x) ?? 0) + 1);
  const rarestFirst = (a: string, b: string) => (df.get(a) ?? 0) - (df.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0);
  const prefix = (sorted: string[]) => sorted.slice(0, sorted.length - Math.ceil(threshold * sorted.length - 1e-9) + 1);

  const clusters: number[][] = [];
  const reps: Array<{ set: Set<string>; cluster: number }> = [];
  const index = new Map<string, number[]>();
  grams.forEach((g, i) => {
    const sorted = [...g].sort(rarestFirst);
    const set = new Set(sorted);
    let best = -1;
    let bestScore = threshold;
    const seen = new Set<number>();
    for (const x of prefix(sorted)) {
      for (const r of index.get(x) ?? []) {
        if (seen.has(r)) continue;
        seen.add(r);
        const rep = reps[r] as { set: Set<string>; cluster: number };
        // Length filter: sizes further apart than the threshold allows cannot match.
        if (Math.min(rep.set.size, set.size) < threshold * Math.max(rep.set.size, set.size) - 1e-9) continue;
        const score = jaccard(set, rep.set);
        if (score >= bestScore && (best === -1 || score > bestScore || r < best)) {
          best = r;
          bestScore = score;
        }
      }
    }
    if (best >= 0 && g.length > 0) {
      clusters[(reps[best] as { cluster: number }).cluster]?.push(i);
      return;
    }
    const r = reps.length;
    reps.push({ set, cluster: clusters.length });
    clusters.push([i]);
    for (const x of prefix(sorted)) {
      const list = index.get(x);
      if (list) list.push(r);
      else index.set(x, [r]);
    }
  });
  return clusters;
}

/**
 * The second half of understanding a follow-up (issue 14): which aspect a
 * message asks (an NLP.js classifier over the same jieba features as the
 * intent model, trained on corpus/aspects/), and which topics it names by
 * its own words (topic terms learned from the intent corpus). Together they
 * tell "需要带什么材料" (an aspect, no topic: read it against the
 * conversation's topic) from "社保卡丢了怎么补" (a topic of its own).
 */
import { ASPECTS, type AspectReading, isAspect } from '../core/aspects.js';
import { OUT_OF_SCOPE } from '../core/parse.js';
import type { IntentClassifier } from '../core/ports.js';

export interface AspectManifest {
  /** Aspect classes the classifier knows (besides None). */
  labels: string[];
  trainingSize: number;
  /** A winning aspect below this share is read as no aspect. */
  threshold: number;
  topicTerms: number;
}

/** What aspects.json holds besides the classifier. */
export interface AspectModelJson {
  threshold: number;
  /** term → intents it names (most of the term's corpus lines are theirs). */
  topicTerms: Record<string, string[]>;
  classifier: unknown;
}

// Chosen on the development multi-turn set (corpus/dev/, docs/nlu.md): 0.5
// keeps "那怎么办呢"-like reactions out and lets the short bare questions in.
export const DEFAULT_ASPECT_THRESHOLD = 0.5;

export class AspectModel {
  private readonly terms: Map<string, string[]>;

  constructor(
    readonly classifier: IntentClassifier,
    readonly threshold: number,
    topicTerms: Record<string, string[]>,
  ) {
    this.terms = new Map(Object.entries(topicTerms));
  }

  get topicTermCount(): number {
    return this.terms.size;
  }

  read(features: readonly string[]): AspectReading {
    if (features.length === 0) return { aspect: null, score: 0 };
    const top = this.classifier.classify(features).ranked[0];
    if (!top || top.intent === OUT_OF_SCOPE || !isAspect(top.intent) || top.score < this.threshold)
      return { aspect: null, score: top?.score ?? 0 };
    return { aspect: top.intent, score: top.score };
  }

  /** Intents named by the message's words, in order of first mention. */
  topics(tokens: readonly string[]): string[] {
    const out: string[] = [];
    for (const t of tokens) for (const intent of this.terms.get(t) ?? []) if (!out.includes(intent)) out.push(intent);
    return out;
  }

  toJSON(): AspectModelJson {
    return { threshold: this.threshold, topicTerms: Object.fromEntries(this.terms), classifier: this.classifier.toJSON() };
  }
}

/** Words that do not name a topic however concentrated they are (numbers, Latin, single characters). */
const TOPICAL = /^\p{Script=Han}{2,}$/u;
const MIN_COUNT = 3;
/** The share of a term's lines its intents must hold between them. */
const MIN_SHARE = 0.6;
/** An intent is named by a term when it holds at least this share of the term's lines. */
const NAMED_SHARE = 0.2;

/**
 * Topic terms from segmented intent training lines: words that occur at
 * least three times and mostly (≥ 60%, over at most two intents) in the
 * lines of one or two intents. Generic words (材料, 办理, 多久) spread over
 * many intents and drop out by themselves; so do None lines.
 */
export function deriveTopicTerms(lines: ReadonlyArray<{ tokens: readonly string[]; intent: string }>): Record<string, string[]> {
  const counts = new Map<string, Map<string, number>>();
  for (const line of lines) {
    for (const t of new Set(line.tokens)) {
      if (!TOPICAL.test(t)) continue;
      let byIntent = counts.get(t);
      if (!byIntent) counts.set(t, (byIntent = new Map()));
      byIntent.set(line.intent, (byIntent.get(line.intent) ?? 0) + 1);
    }
  }
  const terms: Record<string, string[]> = {};
  for (const [term, byIntent] of counts) {
    const total = [...byIntent.values()].reduce((a, b) => a + b, 0);
    if (total < MIN_COUNT) continue;
    const ranked = [...byIntent.entries()].sort((a, b) => b[1] - a[1]);
    const named = ranked.filter(([intent, n]) => intent !== OUT_OF_SCOPE && n / total >= NAMED_SHARE).slice(0, 2);
    const share = named.reduce((a, [, n]) => a + n, 0) / total;
    if (named.length > 0 && share >= MIN_SHARE) terms[term] = named.map(([intent]) => intent);
  }
  return terms;
}

export const ASPECT_CLASSES = [...ASPECTS, OUT_OF_SCOPE];

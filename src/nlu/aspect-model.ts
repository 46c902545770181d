/**
 * The second half of understanding a follow-up (issue 14): which aspect a
 * message asks (an NLP.js classifier over the same jieba features as the
 * intent model, trained on corpus/aspects/), and whether the message names a
 * topic of its own. For the latter the intent model reads the message
 * without its aspect words (需要/带/什么/材料, learned from the aspect
 * corpus): "需要带什么材料" leaves nothing, so it names no topic and is read
 * against the conversation's; "离婚登记怎么办" leaves 离婚登记, which the
 * intent model places. Topic terms learned from the intent corpus (身份证,
 * 公积金) are never aspect words, so "身份证怎么补办" keeps its topic.
 */
import { type AspectReading, isAspect } from '../core/aspects.js';
import { OUT_OF_SCOPE } from '../core/parse.js';
import type { IntentClassifier } from '../core/ports.js';

export interface AspectManifest {
  /** Aspect classes the classifier knows (besides None). */
  labels: string[];
  trainingSize: number;
  /** A winning aspect below this share is read as no aspect. */
  threshold: number;
  /** Words removed before the intent model looks for a topic of the message's own. */
  aspectWords: number;
}

/** What aspects.json holds besides the classifier. */
export interface AspectModelJson {
  threshold: number;
  aspectWords: string[];
  classifier: unknown;
}

// Chosen on the development multi-turn set (corpus/dev/, docs/nlu.md).
export const DEFAULT_ASPECT_THRESHOLD = 0.5;

const CONTENT = /[\p{Script=Han}A-Za-z0-9]/u;

export class AspectModel {
  private readonly words: Set<string>;

  constructor(
    readonly classifier: IntentClassifier,
    readonly threshold: number,
    aspectWords: readonly string[],
  ) {
    this.words = new Set(aspectWords);
  }

  get aspectWordCount(): number {
    return this.words.size;
  }

  read(features: readonly string[]): AspectReading {
    if (features.length === 0) return { aspect: null, score: 0 };
    const top = this.classifier.classify(features).ranked[0];
    if (!top || top.intent === OUT_OF_SCOPE || !isAspect(top.intent) || top.score < this.threshold)
      return { aspect: null, score: top?.score ?? 0 };
    return { aspect: top.intent, score: top.score };
  }

  /** The message's words that are not aspect words (nor punctuation): what may name a topic. */
  residual(tokens: readonly string[]): string[] {
    return tokens.filter((t) => CONTENT.test(t) && !this.words.has(t));
  }

  toJSON(): AspectModelJson {
    return { threshold: this.threshold, aspectWords: [...this.words].sort(), classifier: this.classifier.toJSON() };
  }
}

/**
 * Aspect words: the words follow-ups use again and again — those in at least
 * two aspect lines of the aspect corpus, and single characters (办, 吗) —
 * except topic terms of the intent corpus. A content word met once
 * (户口本 in "要不要带户口本") stays, so "那户口本丢了怎么办" keeps its
 * topic. Measured against keeping every word of the aspect lines except
 * topic terms met once: on the three development sets follow-ups 90.5% vs
 * 92.6%, wrong holds 1 vs 2 of 42 (docs/nlu.md).
 */
export function deriveAspectWords(
  aspectLines: ReadonlyArray<{ tokens: readonly string[]; intent: string }>,
  topicTerms: Record<string, string[]>,
): string[] {
  const counts = new Map<string, number>();
  for (const line of aspectLines) {
    if (line.intent === OUT_OF_SCOPE) continue;
    for (const t of new Set(line.tokens)) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return [...counts].filter(([t, n]) => !(t in topicTerms) && (n >= 2 || [...t].length === 1)).map(([t]) => t);
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
      const byIntent = counts.get(t) ?? new Map<string, number>();
      counts.set(t, byIntent);
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

/**
 * Classifier features for one segmented message.
 *
 * Words alone break on typos and segmentation errors (居住正 is one unknown
 * word; 随申办 may split as 随/申办). Character bigrams survive both: 居住正
 * still shares 居住 with 居住证. Unigrams give single-character requests
 * (查, 办, 取) a voice; edge markers (^打, 吗$) capture how a message opens
 * and closes, which separates commands from questions. Digit runs collapse
 * to one symbol: a number's value says nothing about the intent, its
 * presence does. Each kind was kept because it measured better on the
 * held-out split and SMP2017 (docs/nlu.md has the table).
 */
import type { FeatureSteps } from './nlpjs-classifier.js';

export interface FeatureOptions {
  words: boolean;
  bigrams: boolean;
  unigrams: boolean;
  /** Start/end markers joined into the bigrams (^X and X$). */
  edges: boolean;
  /** Input value per feature: `unit` scales each message to length 1. */
  weighting: 'binary' | 'unit';
}

export const DEFAULT_FEATURES: FeatureOptions = { words: true, bigrams: true, unigrams: true, edges: true, weighting: 'unit' };

const DIGITS = /\d+/g;
const HAN = /\p{Script=Han}/u;

export function buildFeatures(tokens: readonly string[], options: FeatureOptions = DEFAULT_FEATURES): string[] {
  const out = new Set<string>();
  const chars: string[] = options.edges ? ['^'] : [];
  for (const raw of tokens) {
    const token = raw.replace(DIGITS, '0');
    if (options.words) out.add(token);
    for (const ch of token) {
      chars.push(ch);
      if (options.unigrams && HAN.test(ch)) out.add(`_${ch}`);
    }
  }
  // Nothing to say about an empty message, not even its edges.
  if (chars.length === (options.edges ? 1 : 0)) return [];
  if (options.edges) chars.push('$');
  if (options.bigrams) {
    for (let i = 0; i + 1 < chars.length; i++) out.add(`~${chars[i]}${chars[i + 1]}`);
  }
  return [...out];
}

/** The per-feature input value for a message with n features. */
function featureValue(options: FeatureOptions): (n: number) => number {
  return options.weighting === 'unit' ? (n) => 1 / Math.sqrt(n) : () => 1;
}

/**
 * The steps NLP.js runs as tokenizer and stemmer, for one feature setup.
 * Training (parent and workers) and loading an artifact must build them
 * identically, so there is one place that does.
 */
export function featureSteps(segment: (text: string) => string[], options: FeatureOptions): FeatureSteps {
  return { segment, featurize: (tokens) => buildFeatures(tokens, options), featureValue: featureValue(options) };
}

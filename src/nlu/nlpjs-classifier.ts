/**
 * The NLP.js adapter: the only file that imports NLP.js.
 *
 * Training goes through NLP.js's own pipeline. We plug into its extension
 * points instead of wrapping it: our jieba segmenter is registered as
 * `tokenizer-zh`, and `stemmer-zh` is replaced by our feature builder. The
 * stock Chinese stemmer maps every token to all of its pinyin readings
 * (转 → zhuai3 zhuan3 zhuan4), which makes unrelated words share features
 * and mixes intents.
 *
 * Serving calls the trained NeuralNlu's own steps (textToFeatures →
 * innerProcess → filterNonActivated → normalizeClassifications) on features
 * we computed, skipping NLP.js's `prepare`: it memoises every text it has
 * seen in an unbounded per-hour map, which under real traffic is a memory
 * leak, and its async pipeline costs more than the whole rest of a parse.
 */
import { createRequire } from 'node:module';
import type { IntentScore } from '../core/parse.js';
import type { Classification, IntentClassifier } from '../core/ports.js';

const require = createRequire(import.meta.url);
// NLP.js ships CommonJS without types; keep the untyped surface in this file.
/* eslint-disable @typescript-eslint/no-explicit-any */
// @nlpjs/core rather than @nlpjs/basic: basic pulls in a console logger
// built on a deprecated pino option that warns on every start, and we use
// none of basic's connectors.
const { containerBootstrap, Tokenizer } = require('@nlpjs/core') as any;
const { NluNeural } = require('@nlpjs/nlu') as any;
const { LangZh } = require('@nlpjs/lang-zh') as any;

export interface TrainingExample {
  text: string;
  intent: string;
}

export interface NeuralSettings {
  /** Upper bound on training epochs (NLP.js stops earlier on convergence). */
  iterations?: number;
  learningRate?: number;
  errorThresh?: number;
  /**
   * NLP.js's synthetic None class (default true): one extra output fed by a
   * feature that grows with the number of features the model never saw.
   */
  useNoneFeature?: boolean;
}

/** How text becomes classifier features: segmentation, then feature expansion. */
export interface FeatureSteps {
  segment(text: string): string[];
  featurize(tokens: readonly string[]): string[];
  /**
   * Input value of each feature of an utterance with n features. NLP.js
   * feeds 1 for every feature; 1/√n (unit-length input) keeps long messages
   * from saturating its perceptrons (measured in docs/nlu.md).
   */
  featureValue?: (n: number) => number;
}

const binary = () => 1;

type ProgressFn = (epoch: number, error: number) => void;

function buildContainer(steps: FeatureSteps): any {
  const container = containerBootstrap();
  container.use(LangZh);
  // Override the stock Chinese tokenizer and stemmer registered by LangZh.
  class WenzhengTokenizerZh extends Tokenizer {
    constructor(c: unknown) {
      super(c);
      this.name = 'tokenizer-zh';
    }
    innerTokenize(text: string): string[] {
      return steps.segment(text);
    }
  }
  class WenzhengStemmerZh {
    name = 'stemmer-zh';
    // Where the stock stemmer would turn words into pinyin, we expand words
    // into the features that survive typos and segmentation errors.
    stem(tokens: string[]): string[] {
      return steps.featurize(tokens);
    }
  }
  // NLP.js turns the stemmer's feature list into {feature: 1}; replace that
  // step so training sees the same feature values as serving.
  const value = steps.featureValue ?? binary;
  container.register(
    'arrToObj',
    {
      name: 'arrToObj',
      run(input: any) {
        const tokens: string[] = Array.isArray(input) ? input : input.tokens;
        const v = value(tokens.length);
        const obj: Record<string, number> = {};
        for (const t of tokens) obj[t] = v;
        if (Array.isArray(input)) return obj;
        input.tokens = obj;
        return input;
      },
    },
    true,
  );
  container.use(WenzhengTokenizerZh);
  container.register('stemmer-zh', new WenzhengStemmerZh(), true);
  return container;
}

function nluSettings(neural: NeuralSettings, log: ProgressFn | undefined): Record<string, unknown> {
  return {
    locale: 'zh',
    log: log ? (status: { iterations: number; error: number }) => log(status.iterations, status.error) : false,
    useNoneFeature: true,
    ...neural,
  };
}

/**
 * NLP.js's serving steps after `prepare` (textToFeatures → NeuralNetwork.run
 * → convertToArray → filterNonActivated → normalizeClassifications), the
 * same arithmetic in the same order over Maps, Sets and typed arrays.
 *
 * - NLP.js reads each input from an object keyed by sparse feature indices,
 *   which V8 keeps in dictionary mode: 114 µs per message measured here for
 *   47 intents, most of a parse. The weights are transposed so that one
 *   feature's weights for every intent sit side by side (the per-intent
 *   layout costs a cache miss per multiply: still 60 µs).
 * - NLP.js also keys plain objects by the message's words at every step.
 *   V8 internalises a string used as a property key, and the words of a
 *   message it has not seen then outlive the message: 0.5–0.6 MB of each
 *   young-generation cycle survived its scavenge on a first pass over new
 *   texts, and the scavenge took 1.3–4.9 ms, which the parse it lands in
 *   pays (issue 15 item 9; docs/nlu.md). Maps and Sets do not internalise.
 *
 * test/nlu/nlpjs-classifier.test.ts checks the outputs against NLP.js's own.
 */
class FastClassifier {
  private readonly index: Map<string, number>;
  /** weights[feature * intents + intent] */
  private readonly weights: Float32Array;
  private readonly biases: Float64Array;
  private readonly names: string[];
  private readonly alpha: number;
  /** Features NLP.js knows (`nlu.features`): the others count towards its None feature. */
  private readonly known: Set<string>;
  /** Each intent's training features (`nlu.intentFeatures`): an intent none of whose features is present is not activated. */
  private readonly intentFeatures: Map<string, Set<string>> | null;
  /** Perceptron index per output intent, in NLP.js's intent order (convertToArray); -1 where it has none. */
  private readonly outputs: Array<[intent: string, perceptron: number]>;
  private readonly noneDelta: number;
  private readonly noneMultiplier: number;
  private readonly useNoneFeature: boolean;
  private readonly filterZeros: boolean;

  constructor(nlu: any) {
    const network = nlu.neuralNetwork;
    this.index = new Map((network.lookup.inputLookup.items as string[]).map((k, i) => [k, i]));
    const perceptrons = network.perceptrons as Array<{ weights: Float32Array }>;
    const n = perceptrons.length;
    const inputs = this.index.size;
    this.weights = new Float32Array(inputs * n);
    perceptrons.forEach((p, j) => {
      for (let i = 0; i < inputs; i++) this.weights[i * n + j] = p.weights[i] as number;
    });
    this.biases = Float64Array.from(network.perceptrons.map((p: any) => p.bias as number));
    this.names = network.perceptrons.map((p: any) => p.name as string);
    this.alpha = network.settings.alpha;
    this.known = new Set(Object.keys(nlu.features ?? {}).filter((k) => nlu.features[k]));
    this.intentFeatures = nlu.intentFeatures
      ? new Map(
          Object.entries(nlu.intentFeatures as Record<string, Record<string, unknown>>).map(([intent, f]) => [
            intent,
            new Set(Object.keys(f).filter((k) => f[k])),
          ]),
        )
      : null;
    const intents: string[] = nlu.intents ? Object.keys(nlu.intents) : [...this.names];
    if (nlu.intents && !nlu.intents.None) intents.push('None');
    this.outputs = intents.map((intent) => [intent, this.names.indexOf(intent)]);
    const settings = nlu.settings;
    this.noneDelta = settings.nonedeltaValue === undefined ? nlu.numIntents / nlu.numFeatures : settings.nonedeltaValue;
    this.noneMultiplier = settings.nonedeltaMultiplier;
    this.useNoneFeature = Boolean(settings.useNoneFeature);
    this.filterZeros = Boolean(settings.filterZeros);
    if (settings.allowList) throw new Error('classifier: an NLP.js allowList is not supported');
  }

  classify(features: readonly string[], value: number): Classification {
    // textToFeatures: the message's known features, in the order of an object's keys, and the None feature.
    const present: string[] = [];
    let unknown = 0;
    for (const f of objectKeyOrder(features)) {
      if (f === NONE_FEATURE) continue;
      if (this.known.has(f)) present.push(f);
      else unknown++;
    }
    let noneValue = 0;
    let delta = this.noneDelta;
    for (let i = 0; i < unknown; i++) {
      noneValue += delta;
      delta *= this.noneMultiplier;
    }
    const withNone = this.useNoneFeature && noneValue !== 0;
    // The network: Σ value·weight + bias, then alpha·sum if positive, else 0.
    const n = this.names.length;
    const sums = Float64Array.from(this.biases);
    const add = (feature: string, v: number) => {
      const i = this.index.get(feature);
      if (i === undefined) return;
      const base = i * n;
      for (let p = 0; p < n; p++) sums[p] = (sums[p] as number) + v * (this.weights[base + p] as number);
    };
    for (const f of present) add(f, value);
    if (withNone) add(NONE_FEATURE, noneValue);
    // convertToArray: one score per intent, zeros left out, highest first.
    const ranked: IntentScore[] = [];
    for (const [intent, p] of this.outputs) {
      if (p < 0) continue;
      const sum = sums[p] as number;
      const score = sum <= 0 ? 0 : this.alpha * sum;
      if (score > 0 || !this.filterZeros) ranked.push({ intent, score });
    }
    if (ranked.length === 0) ranked.push({ intent: 'None', score: 1 });
    ranked.sort((a, b) => b.score - a.score);
    // filterNonActivated: an intent none of whose training features is in the message scores 0.
    if (this.intentFeatures) {
      let modified = false;
      for (const r of ranked) {
        if (r.intent === 'None') continue;
        const own = this.intentFeatures.get(r.intent);
        const activated = own !== undefined && (present.some((f) => own.has(f)) || (withNone && own.has(NONE_FEATURE)));
        if (!activated) {
          r.score = 0;
          modified = true;
        }
      }
      if (modified) ranked.sort((a, b) => b.score - a.score);
    }
    const activation = ranked[0]?.score ?? 0;
    // normalizeClassifications: squared shares.
    let total = 0;
    for (const r of ranked) {
      r.score **= 2;
      total += r.score;
    }
    if (total > 0) for (const r of ranked) r.score /= total;
    return { ranked, activation };
  }
}

const NONE_FEATURE = 'nonefeature';
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * The features without repeats, in the order a plain object keyed by them
 * lists its keys: array indices ("12") first, ascending, then the rest as
 * first seen. NLP.js sums in that order, and the sums must match its own.
 */
export function objectKeyOrder(features: readonly string[]): string[] {
  const seen = new Set<string>();
  const indices: string[] = [];
  const rest: string[] = [];
  for (const f of features) {
    if (seen.has(f)) continue;
    seen.add(f);
    if (ARRAY_INDEX.test(f) && Number(f) < 4294967295) indices.push(f);
    else rest.push(f);
  }
  if (indices.length === 0) return rest;
  indices.sort((a, b) => Number(a) - Number(b));
  return [...indices, ...rest];
}

class NlpjsClassifier implements IntentClassifier {
  private readonly value: (n: number) => number;
  private readonly fast: FastClassifier;

  constructor(
    private readonly nlu: any,
    steps: FeatureSteps,
  ) {
    this.value = steps.featureValue ?? binary;
    this.fast = new FastClassifier(nlu);
  }

  classify(features: readonly string[]): Classification {
    return this.fast.classify(features, this.value(features.length));
  }

  /** The same through NLP.js's own steps (the reference FastClassifier is checked against). */
  classifyWithNlpjs(features: readonly string[]): Classification {
    const tokens: Record<string, number> = {};
    const v = this.value(features.length);
    for (const f of features) tokens[f] = v;
    const input: any = { locale: 'zh', settings: this.nlu.settings, tokens };
    this.nlu.textToFeatures(input);
    this.nlu.innerProcess(input);
    this.nlu.filterNonActivated(input);
    const activation: number = input.classifications[0]?.score ?? 0;
    this.nlu.normalizeClassifications(input);
    return { ranked: input.classifications as IntentScore[], activation };
  }

  toJSON(): unknown {
    // NLP.js keeps its settings (including our progress callback) in the
    // model JSON; a JSON round trip leaves only data, as an artifact must.
    return JSON.parse(JSON.stringify(this.nlu.toJSON()));
  }
}

/** Trains an NLP.js neural classifier on already normalised examples. */
export async function trainNlpjsClassifier(
  examples: readonly TrainingExample[],
  steps: FeatureSteps,
  options: { neural?: NeuralSettings; onProgress?: ProgressFn } = {},
): Promise<IntentClassifier> {
  const container = buildContainer(steps);
  const nlu = new NluNeural(nluSettings(options.neural ?? {}, options.onProgress), container);
  const corpus = examples.map((e) => ({ utterance: e.text, intent: e.intent }));
  await nlu.train(corpus);
  return new NlpjsClassifier(nlu, steps);
}

/** Restores a classifier from the JSON stored in a model artifact. */
export function loadNlpjsClassifier(json: unknown, steps: FeatureSteps): IntentClassifier {
  const container = buildContainer(steps);
  const nlu = new NluNeural({ locale: 'zh', log: false }, container);
  nlu.fromJSON(json);
  const restored = json as { neuralNetwork?: unknown };
  if (!restored.neuralNetwork) throw new Error('model JSON has no neural network');
  return new NlpjsClassifier(nlu, steps);
}

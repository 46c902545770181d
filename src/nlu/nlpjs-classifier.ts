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
 * NLP.js's NeuralNetwork.runInput, over typed arrays. NLP.js reads each
 * input from an object keyed by sparse feature indices, which V8 keeps in
 * dictionary mode: 114 µs per message measured here for 47 intents, most of
 * a parse. This is the same arithmetic (Σ value·weight + bias, then
 * alpha·sum if positive, else 0) over the network's weights, transposed
 * so that one feature's weights for every intent sit side by side (the
 * per-intent layout costs a cache miss per multiply: still 60 µs).
 * test/nlu/nlpjs-classifier.test.ts checks the outputs are equal.
 */
class FastPerceptrons {
  private readonly index: Map<string, number>;
  /** weights[feature * intents + intent] */
  private readonly weights: Float32Array;
  private readonly biases: Float64Array;
  private readonly names: string[];
  private readonly alpha: number;
  /** An output object with every intent key, cloned per run (fixed shape, fast properties). */
  private readonly template: Record<string, number>;

  constructor(network: any) {
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
    this.template = Object.fromEntries(this.names.map((name) => [name, 0]));
  }

  run(tokens: Record<string, number>): Record<string, number> {
    const n = this.names.length;
    const sums = Float64Array.from(this.biases);
    for (const token in tokens) {
      const i = this.index.get(token);
      if (i === undefined) continue;
      const value = tokens[token] as number;
      const base = i * n;
      for (let p = 0; p < n; p++) sums[p] = (sums[p] as number) + value * (this.weights[base + p] as number);
    }
    const out = { ...this.template };
    for (let p = 0; p < n; p++) {
      const sum = sums[p] as number;
      out[this.names[p] as string] = sum <= 0 ? 0 : this.alpha * sum;
    }
    return out;
  }
}

class NlpjsClassifier implements IntentClassifier {
  private readonly value: (n: number) => number;
  private readonly fast: FastPerceptrons;

  constructor(
    private readonly nlu: any,
    steps: FeatureSteps,
  ) {
    this.value = steps.featureValue ?? binary;
    this.fast = new FastPerceptrons(nlu.neuralNetwork);
  }

  classify(features: readonly string[]): Classification {
    const input = this.input(features);
    this.nlu.textToFeatures(input);
    // NeuralNlu.innerProcess is neuralNetwork.run + convertToArray.
    input.classifications = this.fast.run(input.tokens);
    this.nlu.convertToArray(input);
    return this.finish(input);
  }

  /** The same through NLP.js's own innerProcess (used to check FastPerceptrons). */
  classifyWithNlpjs(features: readonly string[]): Classification {
    const input = this.input(features);
    this.nlu.textToFeatures(input);
    this.nlu.innerProcess(input);
    return this.finish(input);
  }

  private input(features: readonly string[]): any {
    const tokens: Record<string, number> = {};
    const v = this.value(features.length);
    for (const f of features) tokens[f] = v;
    return { locale: 'zh', settings: this.nlu.settings, tokens };
  }

  private finish(input: any): Classification {
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

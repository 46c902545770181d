/**
 * A loaded model and the understanding step it performs:
 * normalise → correct → segment → features → classify → threshold → entities.
 */
import type { Entity } from '../core/entities.js';
import type { ModelKind } from '../core/model-registry.js';
import { OUT_OF_SCOPE, type Parse } from '../core/parse.js';
import type { IntentClassifier, Segmenter } from '../core/ports.js';
import type { AspectManifest, AspectModel } from './aspect-model.js';
import type { CorrectionTable } from './corrections.js';
import { compileCorrector } from './corrections.js';
import { extractEntities } from './entities/index.js';
import { buildFeatures, type FeatureOptions } from './features.js';
import type { EvaluationReport } from './metrics.js';
import { normalise } from './normalise.js';

export type ConfidenceSignal = 'share' | 'activation';

export type { ModelKind } from '../core/model-registry.js';

export interface ModelManifest {
  format: 1;
  /** Absent in artifacts made before dispatch existed: those are intent models. */
  kind?: ModelKind;
  version: string;
  createdAt: string;
  corpusHash: string;
  trainingSize: number;
  intents: string[];
  features: FeatureOptions;
  /** A confidence below this makes the parse `None`. */
  threshold: number;
  /** Which confidence the threshold applies to, chosen by calibration. */
  thresholdOn: ConfidenceSignal;
  calibration: { folds: number; accuracy: number; n: number; alternatives: Record<ConfidenceSignal, number> } | null;
  trainingSeconds: number;
  libraries: Record<string, string>;
  node: string;
  /** Held-out metrics, when a test split was available at training time. */
  metrics: Omit<EvaluationReport, 'slowest'> | null;
  /** The aspect classifier and aspect words for follow-up questions (aspects.json); absent in older artifacts. */
  aspects?: AspectManifest;
}

/** Everything below the classifier that turns raw text into features. */
export interface TextPipeline {
  prepare(raw: string): { normalised: string; tokens: string[]; features: string[] };
}

export function createTextPipeline(segmenter: Segmenter, corrections: CorrectionTable, features: FeatureOptions): TextPipeline {
  const correct = compileCorrector(corrections);
  return {
    prepare(raw) {
      const normalised = correct(normalise(raw));
      const tokens = segmenter.segment(normalised);
      return { normalised, tokens, features: buildFeatures(tokens, features) };
    },
  };
}

const ALTERNATIVES = 5;
/**
 * The activation at which the words of a message left after its aspect words
 * name a topic on their own, against what the whole message reads as. The
 * intent threshold (0.2 calibrated) is for whole questions; one leftover
 * word (受理, 认证, 查, 登记) scored 0.21–0.48 on the development sets, where
 * every real switch that disagreed with nothing scored above (docs/nlu.md).
 */
const OWN_TOPIC_ALONE = 0.6;
/**
 * When the words left after the aspect words put the whole message's intent
 * second with at least this share, and their activation is at least
 * SPLIT_ACTIVATION, they name that intent: chosen on dev-h, where it took a
 * switch wrongly held (还房贷的话每年能提一次公积金吗 after 个税) and changed
 * nothing on the other development sets (docs/nlu.md).
 */
const SPLIT_SHARE = 0.3;
const SPLIT_ACTIVATION = 0.3;
/** Words that join a second request to a first (预约身份证，顺便问下公积金怎么提取), with the punctuation around them. */
const SECOND_REQUEST =
  /[\s,，。.;；!！?？]*(?:顺便(?:问(?:一?下|问)?|说一?下|咨询一?下)?|另外(?:问一?下|想问一?下)?|还有(?:一件事|个事|就是)?|还想问(?:一?下)?|再问(?:一?下)?|对了)[\s,，:：]*/gu;

export class NluModel {
  constructor(
    readonly manifest: ModelManifest,
    readonly classifier: IntentClassifier,
    readonly text: TextPipeline,
    readonly terms: readonly string[],
    readonly corrections: CorrectionTable,
    /** Reads follow-ups: null for an artifact trained before aspects existed (parses then carry none). */
    readonly aspects: AspectModel | null = null,
  ) {}

  get version(): string {
    return this.manifest.version;
  }

  /** Classification only (no entities): what evaluation and calibration need. */
  classify(raw: string): Omit<Parse, 'entities'> {
    return this.classifyPrepared(raw, this.text.prepare(raw));
  }

  private classifyPrepared(raw: string, { normalised, tokens, features }: ReturnType<TextPipeline['prepare']>): Omit<Parse, 'entities'> {
    const { ranked, activation } = features.length > 0 ? this.classifier.classify(features) : { ranked: [], activation: 0 };
    const top = ranked[0] ?? { intent: OUT_OF_SCOPE, score: 0 };
    const accepted = this.accepts(top, activation);
    return {
      text: raw,
      normalised,
      tokens,
      intent: accepted ? top.intent : OUT_OF_SCOPE,
      score: top.score,
      activation,
      topIntent: top.intent,
      alternatives: ranked.slice(0, ALTERNATIVES).map((r) => ({ intent: r.intent, score: r.score })),
      modelVersion: this.manifest.version,
    };
  }

  private accepts(top: { intent: string; score: number }, activation: number): boolean {
    const confidence = this.manifest.thresholdOn === 'activation' ? activation : top.score;
    return top.intent !== OUT_OF_SCOPE && confidence >= this.manifest.threshold;
  }

  parse(raw: string, now: Date = new Date()): Parse {
    const prepared = this.text.prepare(raw);
    const parse = this.classifyPrepared(raw, prepared);
    const entities: Entity[] = parse.normalised ? extractEntities(parse.normalised, now) : [];
    const full = withEntities(parse, entities);
    const also = this.secondRequest(parse);
    if (also) full.also = also;
    if (!this.aspects) return full;
    full.aspect = this.aspects.read(prepared.features);
    full.topics = this.ownTopics(parse, prepared.tokens);
    return full;
  }

  /**
   * Two requests in one message, joined by 顺便/另外/还有/对了: each part is
   * classified alone, and when both read as requests (accepted, different
   * intents) and one of them is the whole message's, the other is `also`.
   * Only messages with such a word pay for the two extra classifications.
   */
  private secondRequest(parse: Omit<Parse, 'entities'>): Parse['also'] {
    if (parse.intent === OUT_OF_SCOPE) return undefined;
    const text = parse.normalised;
    for (const m of text.matchAll(SECOND_REQUEST)) {
      const rawBefore = text.slice(0, m.index);
      const rawAfter = text.slice(m.index + m[0].length);
      const before = rawBefore.trim();
      const after = rawAfter.trim();
      if (before.length < 2 || after.length < 2) continue;
      const [a, b] = [this.classify(before), this.classify(after)];
      if (a.intent === OUT_OF_SCOPE || b.intent === OUT_OF_SCOPE || a.intent === b.intent) return undefined;
      const afterStart = m.index + m[0].length + (rawAfter.length - rawAfter.trimStart().length);
      if (a.intent === parse.intent) return { intent: b.intent, score: b.score, text: after, start: afterStart };
      if (b.intent === parse.intent)
        return { intent: a.intent, score: a.score, text: before, start: rawBefore.length - rawBefore.trimStart().length };
      return undefined;
    }
    return undefined;
  }

  /**
   * The topic a message names by its own words: the intent model's reading
   * of it without its aspect words (see aspect-model.ts). Unchanged when it
   * has none; nothing when only aspect words are left.
   */
  private ownTopics(parse: Omit<Parse, 'entities'>, tokens: readonly string[]): string[] {
    const rest = (this.aspects as AspectModel).residual(tokens);
    const content = tokens.filter((t) => /[\p{Script=Han}A-Za-z0-9]/u.test(t));
    if (rest.length === content.length) return parse.intent === OUT_OF_SCOPE ? [] : [parse.intent];
    if (rest.length === 0) return [];
    const { ranked, activation } = this.classifier.classify(buildFeatures(rest, this.manifest.features));
    const top = ranked[0];
    if (!top || top.intent === OUT_OF_SCOPE) return [];
    // The whole message points where its non-aspect words point: a topic of its own.
    if (top.intent === parse.intent) return [top.intent];
    // Split between the whole message's intent and a neighbour (房贷/公积金: loan 0.55, withdraw 0.45): the words
    // name a topic, the one the whole message reads; not when they carry little (上交 alone, activation 0.14).
    const runnerUp = ranked[1];
    if (
      parse.intent !== OUT_OF_SCOPE &&
      runnerUp?.intent === parse.intent &&
      runnerUp.score >= SPLIT_SHARE &&
      activation >= SPLIT_ACTIVATION
    ) {
      return [parse.intent];
    }
    // The words left alone disagree with the whole message, or it was not understood:
    // one leftover word (受理, 认证, 查) is no topic unless the model is as sure of it as of a clear question.
    return activation >= OWN_TOPIC_ALONE && this.accepts(top, activation) ? [top.intent] : [];
  }
}

/**
 * The parse with its entities, every field spelled out. Not `{ ...parse,
 * entities }`: with that spread on this hot path, ~400 KB of each
 * young-generation cycle's objects survived its scavenge, and each scavenge
 * took 2–5 ms instead of 0.5–0.8 ms, measured with --trace-gc-nvp over the
 * development texts (docs/nlu.md). A parse a scavenge lands in is that much
 * slower: most of the cold p99 (issue 15 item 9).
 */
function withEntities(p: Omit<Parse, 'entities'>, entities: Entity[]): Parse {
  return {
    text: p.text,
    normalised: p.normalised,
    tokens: p.tokens,
    intent: p.intent,
    score: p.score,
    activation: p.activation,
    topIntent: p.topIntent,
    alternatives: p.alternatives,
    entities,
    modelVersion: p.modelVersion,
  };
}

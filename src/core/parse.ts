/**
 * What understanding produces for one citizen message. The dialogue engine
 * consumes only this shape; it never sees the NLP libraries behind it.
 */
import type { AspectReading } from './aspects.js';
import type { Entity } from './entities.js';

export const OUT_OF_SCOPE = 'None';

export interface IntentScore {
  intent: string;
  score: number;
}

export interface Parse {
  /** The raw text as received. */
  text: string;
  /** After normalisation and spelling corrections: what the classifier saw. */
  normalised: string;
  /** Words from the segmenter (government-terms dictionary applied). */
  tokens: string[];
  /** Winning intent after the out-of-scope threshold, or `None`. */
  intent: string;
  /** Score of the arg-max intent (0..1, scores of all intents sum to 1). */
  score: number;
  /** The arg-max intent's absolute activation (see Classification). */
  activation: number;
  /** Arg-max intent ignoring the threshold (what the model liked best). */
  topIntent: string;
  /** Best alternatives, highest first, including the winner. */
  alternatives: IntentScore[];
  entities: Entity[];
  /** Version of the model artifact that made this parse. */
  modelVersion: string;
  /** The aspect the message asks (材料, 地点 …), from the aspect classifier; absent with a model that has none. */
  aspect?: AspectReading;
  /**
   * Intents the message names by their own words (居住证, 公积金 …), from the
   * model's topic terms: empty for a bare follow-up such as "要多久".
   */
  topics?: string[];
  /**
   * A second request in the same message (预约身份证，顺便问下公积金怎么提取):
   * the intent of the part after or before 顺便/另外/还有 that is not the
   * message's own, when each part reads as a request of its own.
   */
  also?: {
    intent: string;
    score: number;
    text: string;
    /** Where `text` starts in `normalised`. */
    start: number;
  };
}

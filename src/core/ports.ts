/**
 * Narrow ports the core depends on. Each is implemented by exactly one adapter
 * file that owns its library (nodejieba, NLP.js, …), so swapping a library
 * touches one file.
 */
import type { IntentScore } from './parse.js';

/** Splits normalised Chinese text into words. */
export interface Segmenter {
  segment(text: string): string[];
}

export interface Classification {
  /** Intents with a non-zero score, highest first; scores sum to 1. */
  ranked: IntentScore[];
  /**
   * The winner's absolute activation (the model's own output before scores
   * are normalised against each other, ~1 for a confident match). A message
   * unlike anything in training can still win the normalised share by a
   * wide margin, but its activation stays low.
   */
  activation: number;
}

/** A trained intent model: features in, scores for every intent out. */
export interface IntentClassifier {
  classify(features: readonly string[]): Classification;
  /** Serialisable form, stored in the model artifact. */
  toJSON(): unknown;
}

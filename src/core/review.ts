/**
 * The review queue's storage port: citizen messages that may have been
 * misunderstood, and which of their texts a maintainer has already labelled.
 * Async like the other ports, so PostgreSQL can replace SQLite.
 */
import type { IntentScore } from './parse.js';

/**
 * Why a message is in the queue: the assistant fell back, the parse was
 * unsure, a handoff to a person followed it, or that handoff was rated
 * 不满意 or worse.
 */
export const REVIEW_REASONS = ['fallback', 'low_confidence', 'escalated', 'bad_rating'] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];

export interface ReviewCandidate {
  id: number;
  /** Masked (personal data replaced); the raw text never leaves the store. */
  text: string;
  /** As parsed: `None` when below the threshold. */
  intent: string;
  score: number;
  /** Top alternatives, the model's favourite first (even when `intent` is None). */
  alternatives: IntentScore[];
  modelVersion: string | null;
  outcome: string | null;
  reasons: ReviewReason[];
  /** Reason code of the handoff that followed, if any. */
  escalation: string | null;
  /** 好差评 level of that handoff, if rated. */
  rating: number | null;
  at: number;
  /** How the conversation's topic was used (a follow-up read against it, or asked back), if it was. */
  topic?: TopicTrace | null;
}

/** The trace of a turn read with the conversation's topic (see dialogue/follow-up.ts, TopicUse). */
export interface TopicTrace {
  topic: string | null;
  aspect: string | null;
  via: string;
}

export interface CandidateQuery {
  /** Messages at or after this time (epoch ms). */
  since: number;
  /** Below this score an accepted parse counts as unsure. */
  lowConfidence: number;
  /** A handoff this soon after a message counts as following it. */
  escalationWindowMs: number;
  /** Newest first; at most this many. */
  limit: number;
}

export interface LabelClaim {
  groupKey: string;
  /** Review keys of every text in the group: none of them comes back. */
  textKeys: string[];
  label: string;
  staffId: string | null;
  by: string;
  now: number;
}

export interface ReviewStore {
  candidates(q: CandidateQuery): Promise<ReviewCandidate[]>;
  /** Review keys of texts already labelled. */
  labelledKeys(): Promise<Set<string>>;
  /** Records a label for a group; false (nothing recorded) when one of its texts was labelled meanwhile. */
  claim(c: LabelClaim): Promise<boolean>;
  /** Undoes a claim whose corpus write failed. */
  release(groupKey: string): Promise<void>;
}

/**
 * Review items: candidate messages grouped so that the same question,
 * asked many times or in near-identical words, is labelled once.
 *
 * Two steps. Exact: messages whose review key (review-key.ts) is equal are
 * one wording — punctuation, width, script, numbers and courtesy words do
 * not count. Near: wordings whose character-bigram Jaccard similarity is at
 * least 0.8 join the most frequent such wording (near-duplicates.ts), e.g.
 * one changed character in a long sentence. 0.8 is deliberately strict:
 * "我想提取公积金" and "我要提取公积金" (0.5) stay apart, because a
 * wrongly merged item would write the wrong label for a whole group.
 * 10,000 messages group in ~0.1 s (test/review/group.test.ts).
 */
import type { IntentScore } from '../core/parse.js';
import type { ReviewCandidate, ReviewReason, TopicTrace } from '../core/review.js';
import { clusterNearDuplicates } from './near-duplicates.js';
import { itemId, reviewKey } from './review-key.js';

export const NEAR_DUPLICATE_JACCARD = 0.8;
const EXAMPLES = 5;

/** One wording: messages with the same review key. */
export interface Wording {
  key: string;
  /** Newest first. */
  messages: ReviewCandidate[];
}

export interface ReviewGroup {
  /** The item id (of the representative wording's key). */
  id: string;
  /** Most messages first; the first is the representative. */
  wordings: Wording[];
}

export interface ReviewItem {
  key: string;
  /** The representative wording, masked. */
  text: string;
  count: number;
  /** Other wordings in the group, masked, most frequent first. */
  examples: string[];
  /** What the model liked best (even when below its threshold), and with what score. */
  predicted: { intent: string; score: number };
  /** What the parse said: `None` when the assistant fell back. */
  parsedAs: string;
  alternatives: IntentScore[];
  /** How many of the group's messages are in the queue for each reason. */
  reasons: Partial<Record<ReviewReason, number>>;
  /** Reason codes of the handoffs that followed. */
  escalations: string[];
  firstSeen: number;
  lastSeen: number;
  modelVersion: string | null;
  /** The newest message's use of the conversation's topic (a follow-up), if any: label it like any other miss. */
  topic: TopicTrace | null;
}

/** Groups candidates (newest first), leaving out texts whose review key is in `labelled`. */
export function groupCandidates(candidates: readonly ReviewCandidate[], labelled: ReadonlySet<string> = new Set()): ReviewGroup[] {
  const byKey = new Map<string, ReviewCandidate[]>();
  for (const c of candidates) {
    const key = reviewKey(c.text);
    if (!key || labelled.has(key)) continue;
    const list = byKey.get(key);
    if (list) list.push(c);
    else byKey.set(key, [c]);
  }
  const wordings = [...byKey].map(([key, messages]) => ({ key, messages }));
  wordings.sort((a, b) => b.messages.length - a.messages.length || latest(b) - latest(a) || (a.key < b.key ? -1 : 1));
  return clusterNearDuplicates(
    wordings.map((w) => w.key),
    NEAR_DUPLICATE_JACCARD,
  ).map((cluster) => {
    const members = cluster.map((i) => wordings[i] as Wording);
    return { id: itemId((members[0] as Wording).key), wordings: members };
  });
}

const latest = (w: Wording) => w.messages[0]?.at ?? 0;

/** Every message of a group, newest first. */
export const messagesOf = (g: ReviewGroup): ReviewCandidate[] => g.wordings.flatMap((w) => w.messages).sort((a, b) => b.at - a.at);

/** The most frequent exact text of a wording (what people typed most often; on a tie, the earliest). */
export function wordingText(w: Wording): string {
  return mostFrequent(w.messages.map((m) => m.text.trim()).reverse()) ?? '';
}

export function presentGroup(g: ReviewGroup): ReviewItem {
  const messages = messagesOf(g);
  const newest = messages[0] as ReviewCandidate;
  const favourite = (m: ReviewCandidate) => m.alternatives[0] ?? { intent: m.intent, score: m.score };
  const predictedIntent = mostFrequent(messages.map((m) => favourite(m).intent)) ?? newest.intent;
  const scores = messages.map(favourite).filter((a) => a.intent === predictedIntent);
  const reasons: Partial<Record<ReviewReason, number>> = {};
  for (const m of messages) for (const r of m.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
  const [first, ...others] = g.wordings.map(wordingText);
  return {
    key: g.id,
    text: first ?? '',
    count: messages.length,
    examples: others.slice(0, EXAMPLES),
    predicted: { intent: predictedIntent, score: round(scores.reduce((s, a) => s + a.score, 0) / Math.max(1, scores.length)) },
    parsedAs: mostFrequent(messages.map((m) => m.intent)) ?? newest.intent,
    alternatives: newest.alternatives.map((a) => ({ intent: a.intent, score: round(a.score) })),
    reasons,
    escalations: [...new Set(messages.map((m) => m.escalation).filter((e): e is string => e !== null))],
    firstSeen: (messages[messages.length - 1] as ReviewCandidate).at,
    lastSeen: newest.at,
    modelVersion: newest.modelVersion,
    topic: newest.topic ?? null,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The most frequent value; ties go to the one seen first. */
function mostFrequent(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  let best: string | null = null;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (best === null || n > (counts.get(best) ?? 0)) best = v;
  }
  return best;
}

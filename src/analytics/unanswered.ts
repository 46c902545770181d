/**
 * Unanswered demand: citizen questions the assistant could not answer (or
 * answered with low confidence), grouped so that the same question asked
 * in slightly different ways counts once with its number of askers. Only
 * masked text comes in; the texts are untrusted and escaped when shown.
 */
import type { UnansweredMessage } from '../core/analytics.js';
import { normalise } from '../nlu/normalise.js';

export interface UnansweredGroup {
  /** The most frequent wording in the group (masked). */
  text: string;
  count: number;
  /** How many were not understood at all (the rest were answered with low confidence). */
  notUnderstood: number;
  /** The intent the low-confidence answers went to most often, if any. */
  guessedIntent: string | null;
  /** Up to three other wordings, newest first. */
  examples: string[];
  lastAt: number;
}

const MAX_TEXT = 80;
// Courtesy at either end changes nothing about what is asked.
const LEADING = /^(?:你好|您好|请问一下|请问|麻烦问一下|麻烦问下|问一下|问下|我想问一下|我想问下|我想问|想问一下|想问下|想问)+/u;
const TRAILING = /(?:啊|呀|吧|呢|吗|嘛|哈|哦|呐|啦|谢谢|谢谢了|谢谢您)+$/u;

/**
 * The grouping key: normalised like the classifier's input (full-width,
 * traditional characters, case, emoji), then punctuation and spaces
 * dropped, numbers and masked digits collapsed (two reference numbers are
 * the same question), courtesy words trimmed.
 */
export function questionKey(maskedText: string): string {
  const plain = normalise(maskedText)
    .replace(/[\p{P}\p{S}\s]+/gu, '')
    .replace(/[0-9]+/g, '#');
  const trimmed = plain.replace(LEADING, '').replace(TRAILING, '');
  return trimmed || plain;
}

const clip = (s: string) => {
  const chars = [...s.trim().replace(/\s+/g, ' ')];
  return chars.length > MAX_TEXT ? `${chars.slice(0, MAX_TEXT - 1).join('')}…` : chars.join('');
};

/** The most frequent value; among equals the shortest (the plainest wording), then the first seen. */
function mostFrequent(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) {
    const b = best === null ? 0 : (counts.get(best) ?? 0);
    if (best === null || n > b || (n === b && [...v].length < [...best].length)) best = v;
  }
  return best;
}

/** The `limit` largest groups, largest first (ties: most recent first). `messages` are newest first. */
export function groupUnanswered(messages: readonly UnansweredMessage[], limit: number): UnansweredGroup[] {
  const groups = new Map<string, UnansweredMessage[]>();
  for (const m of messages) {
    const key = questionKey(m.maskedText);
    if (!key) continue;
    const list = groups.get(key);
    if (list) list.push(m);
    else groups.set(key, [m]);
  }
  const result: UnansweredGroup[] = [];
  for (const list of groups.values()) {
    const wordings = list.map((m) => clip(m.maskedText));
    const text = mostFrequent(wordings) ?? '';
    const notUnderstood = list.filter((m) => m.outcome === 'fallback').length;
    result.push({
      text,
      count: list.length,
      notUnderstood,
      guessedIntent: mostFrequent(list.filter((m) => m.outcome !== 'fallback' && m.intent).map((m) => m.intent as string)),
      examples: [...new Set(wordings)].filter((w) => w !== text).slice(0, 3),
      lastAt: list[0]?.at ?? 0,
    });
  }
  return result.sort((a, b) => b.count - a.count || b.lastAt - a.lastAt).slice(0, limit);
}

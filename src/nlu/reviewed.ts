/**
 * Reviewed items: citizen messages a maintainer labelled during review,
 * written to corpus/reviewed/<intent>.jsonl so they are versioned with the
 * corpus. One line each: {"text", "intent" (an id or out_of_scope),
 * "reviewedAt", "by"}.
 *
 * One in five goes to the regression set, which is never trained on: real
 * traffic the gate checks every candidate against (docs/nlu.md, "Reviewed
 * items"). The split hashes the normalised text, so it is the same on every
 * machine and run, does not depend on file order, and an item keeps its side
 * when more items are added.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../core/errors.js';
import { OUT_OF_SCOPE } from '../core/parse.js';
import type { LabelledText } from './corpus.js';
import { normalise } from './normalise.js';

export interface ReviewedItem extends LabelledText {
  reviewedAt: string | null;
  by: string | null;
}

export interface ReviewedSplit {
  /** Trained on. */
  train: LabelledText[];
  /** Held out: the regression set. */
  regression: LabelledText[];
  /** Items whose text is already a held-out line: left out (training on them would leak). */
  heldoutDuplicates: number;
}

/** The review queue's word for out-of-scope; the corpus calls it None. */
const REVIEW_OUT_OF_SCOPE = 'out_of_scope';
// The same rule as intent ids in corpus YAML.
const INTENT_ID = /^(?:None|[a-z][a-z0-9_]*)$/;
export const REGRESSION_SHARE = 5;

/**
 * Parses reviewed/*.jsonl. `labelKey` names the label field: "intent" in
 * corpus/reviewed, "department" in corpus/departments/reviewed.
 */
export function parseReviewedJsonl(source: string, file: string, labelKey: 'intent' | 'department' = 'intent'): ReviewedItem[] {
  const out: ReviewedItem[] = [];
  source.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const bad = (why: string): never => {
      throw new AppError('CORPUS_INVALID', `${file}:${i + 1}: ${why}`);
    };
    let row: Record<string, unknown> = {};
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      bad('not valid JSON');
    }
    const { text, reviewedAt, by } = row;
    const intent = row[labelKey];
    if (typeof text !== 'string' || !text.trim()) bad('"text" must be a non-empty string');
    if (typeof intent !== 'string' || !INTENT_ID.test(intent)) {
      bad(labelKey === 'intent' ? `"intent" must be an intent id or ${REVIEW_OUT_OF_SCOPE}` : `"${labelKey}" must be a ${labelKey} id`);
    }
    out.push({
      text: text as string,
      intent: intent === REVIEW_OUT_OF_SCOPE ? OUT_OF_SCOPE : (intent as string),
      reviewedAt: typeof reviewedAt === 'string' ? reviewedAt : null,
      by: typeof by === 'string' ? by : null,
    });
  });
  return out;
}

/** What identifies a text for the split and for leaks: normalised, without punctuation or spaces. */
export function textKey(text: string): string {
  return normalise(text).replace(/[\p{P}\s]/gu, '');
}

/** True for the one in five texts that belong to the regression set. */
export function inRegressionSet(text: string): boolean {
  return keyInRegressionSet(textKey(text));
}

function keyInRegressionSet(key: string): boolean {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % REGRESSION_SHARE === 0;
}

/**
 * Splits reviewed items into training and regression. The same text
 * reviewed twice counts once, with its latest label (a later review
 * corrects an earlier one). A text that is already a training line cannot
 * be held out, so it trains; one that is a held-out line is left out.
 */
export function splitReviewed(
  items: readonly ReviewedItem[],
  corpus: { training: readonly LabelledText[]; heldout: readonly LabelledText[] },
): ReviewedSplit {
  // Keying every training line costs ~0.1 s on the shipped corpus; skip it when there is nothing to split.
  if (items.length === 0) return { train: [], regression: [], heldoutDuplicates: 0 };
  const latest = new Map<string, ReviewedItem>();
  for (const item of items) {
    const key = textKey(item.text);
    const seen = latest.get(key);
    if (!seen || (item.reviewedAt ?? '') >= (seen.reviewedAt ?? '')) latest.set(key, item);
  }
  const training = new Set(corpus.training.map((r) => textKey(r.text)));
  const heldout = new Set(corpus.heldout.map((r) => textKey(r.text)));
  const split: ReviewedSplit = { train: [], regression: [], heldoutDuplicates: 0 };
  for (const [key, { text, intent }] of latest) {
    if (heldout.has(key)) split.heldoutDuplicates++;
    else if (!training.has(key) && keyInRegressionSet(key)) split.regression.push({ text, intent });
    else split.train.push({ text, intent });
  }
  return split;
}

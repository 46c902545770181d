/**
 * Review use cases, shared by the console API and the import CLI: the
 * queue (candidates grouped, labelled texts left out) and labelling an item,
 * which appends its texts to the corpus — never only to the database —
 * and is audited.
 */
import { AppError } from '../core/errors.js';
import type { ReviewReason, ReviewStore } from '../core/review.js';
import { textKey } from '../nlu/reviewed.js';
import { groupCandidates, presentGroup, type ReviewGroup, type ReviewItem, wordingText } from './group.js';
import { labelText, parseLabel } from './labels.js';
import type { CorpusLine, ReviewCorpus } from './review-corpus.js';
import { itemId, reviewKey } from './review-key.js';

const DAY_MS = 86_400_000;
// A handoff this soon after a message is taken to follow from it.
export const ESCALATION_WINDOW_MS = 5 * 60_000;
// Enough for months of a busy account's unclear messages; grouping 50,000 takes well under a second.
const MAX_CANDIDATES = 50_000;
// A group of many wordings writes its most frequent ones; all of them leave the queue.
export const MAX_TEXTS_PER_LABEL = 20;

export interface ReviewServiceDeps {
  store: ReviewStore;
  corpus: ReviewCorpus;
  /** Intent ids the serving model knows (without None). */
  knownIntents: () => string[];
  /** The version serving now, shown with the queue. */
  modelVersion: () => string | null;
  audit: (e: { staffId: string | null; action: string; target?: string | null; details?: unknown; now: number }) => Promise<void>;
  clock: () => Date;
  /** Below this score an accepted parse counts as unsure (REVIEW_LOW_CONFIDENCE). */
  lowConfidence: number;
}

export interface QueueView {
  items: Array<ReviewItem & { heldout: number }>;
  /** Items in the queue before `limit`. */
  total: number;
  intents: Array<{ id: string; example: string | null }>;
  modelVersion: string | null;
  lowConfidence: number;
}

export interface LabelResult {
  key: string;
  label: string;
  /** Messages the item stood for. */
  count: number;
  /** Where the lines went, relative to the corpus directory. */
  file: string;
  written: number;
  /** Texts not written: equal to a held-out line. */
  skipped: string[];
}

export interface Reviewer {
  staffId: string | null;
  name: string;
}

export class ReviewService {
  constructor(private readonly d: ReviewServiceDeps) {}

  async queue(o: { limit?: number; days?: number; reason?: ReviewReason } = {}): Promise<QueueView> {
    let groups = await this.groups(o.days ?? 30);
    if (o.reason) {
      const reason = o.reason;
      groups = groups.filter((g) => g.wordings.some((w) => w.messages.some((m) => m.reasons.includes(reason))));
    }
    const heldout = this.d.corpus.heldoutKeys();
    const examples = this.d.corpus.examples();
    return {
      items: groups.slice(0, o.limit ?? 50).map((g) => ({
        ...presentGroup(g),
        heldout: g.wordings.filter((w) => heldout.has(textKey(wordingText(w)))).length,
      })),
      total: groups.length,
      intents: this.d.knownIntents().map((id) => ({ id, example: examples.get(id) ?? null })),
      modelVersion: this.d.modelVersion(),
      lowConfidence: this.d.lowConfidence,
    };
  }

  /** The intents a label may name (what the serving model knows). */
  intents(): string[] {
    return this.d.knownIntents();
  }

  /** Every item in the queue, presented (what review:export writes). */
  async items(days = 30): Promise<ReviewItem[]> {
    return (await this.groups(days)).map(presentGroup);
  }

  /**
   * Labels an item: `label` is an intent id, out_of_scope or new:<id>. The
   * item's wordings are appended to corpus/reviewed/<label>.jsonl (or
   * proposed/<id>.jsonl), except those equal to a held-out line, which would
   * leak the test split into training; when nothing else is left the label
   * is refused.
   */
  async label(
    key: string,
    rawLabel: string,
    who: Reviewer,
    o: { note?: string; via: 'console' | 'import' /** The exported text, to find the item if new traffic regrouped it. */; text?: string },
  ): Promise<LabelResult> {
    const label = parseLabel(rawLabel, this.d.knownIntents());
    if (typeof label === 'string') throw new AppError('UNKNOWN_INTENT', label);
    const group = await this.find(key, o.text);
    if (!group) throw new AppError('NOT_FOUND', 'This item is not in the review queue (labelled already, or its messages were deleted)');
    const heldout = this.d.corpus.heldoutKeys();
    const texts = group.wordings.map(wordingText);
    const skipped = texts.filter((t) => heldout.has(textKey(t)));
    const writing = texts.filter((t) => !heldout.has(textKey(t))).slice(0, MAX_TEXTS_PER_LABEL);
    if (writing.length === 0) {
      const message = `该问法与测试集（corpus/test）中的句子相同，不能写入训练语料（否则评测会失真）：「${skipped.join('」「')}」`;
      throw new AppError('HELDOUT_TEXT', message, { texts: skipped });
    }
    const now = this.d.clock();
    const name = labelText(label);
    const claimed = await this.d.store.claim({
      groupKey: group.id,
      textKeys: group.wordings.map((w) => w.key),
      label: name,
      staffId: who.staffId,
      by: who.name,
      now: now.getTime(),
    });
    if (!claimed) throw new AppError('ALREADY_REVIEWED');
    const line = (text: string): CorpusLine => ({
      text,
      intent: label.kind === 'new' ? label.id : name,
      reviewedAt: now.toISOString(),
      by: who.name,
      ...(label.kind === 'new' && o.note ? { note: o.note } : {}),
    });
    let file: string;
    try {
      const lines = writing.map(line);
      file = label.kind === 'new' ? this.d.corpus.appendProposed(label.id, lines) : this.d.corpus.appendReviewed(name, lines);
    } catch (e) {
      await this.d.store.release(group.id);
      throw e;
    }
    const count = group.wordings.reduce((n, w) => n + w.messages.length, 0);
    await this.d.audit({
      staffId: who.staffId,
      action: 'review_label',
      target: group.id,
      details: { label: name, file, written: writing.length, skipped: skipped.length, messages: count, via: o.via, by: who.name },
      now: now.getTime(),
    });
    return { key: group.id, label: name, count, file, written: writing.length, skipped };
  }

  /**
   * The group an id names: its representative's, or (after the
   * representative changed) any of its wordings', or the one holding `text`.
   */
  private async find(key: string, text?: string): Promise<ReviewGroup | undefined> {
    const groups = await this.groups(365);
    const wordingKey = text === undefined ? null : reviewKey(text);
    return (
      groups.find((g) => g.id === key) ??
      groups.find((g) => g.wordings.some((w) => itemId(w.key) === key)) ??
      groups.find((g) => g.wordings.some((w) => w.key === wordingKey))
    );
  }

  private async groups(days: number): Promise<ReviewGroup[]> {
    const candidates = await this.d.store.candidates({
      since: this.d.clock().getTime() - days * DAY_MS,
      lowConfidence: this.d.lowConfidence,
      escalationWindowMs: ESCALATION_WINDOW_MS,
      limit: MAX_CANDIDATES,
    });
    const labelled = new Set([...(await this.d.store.labelledKeys()), ...this.d.corpus.labelledKeys()]);
    return groupCandidates(candidates, labelled);
  }
}

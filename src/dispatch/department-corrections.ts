/**
 * Staff corrections of a ticket's department become training data for the
 * next dispatch model: each is appended to
 * corpus/departments/reviewed/<department>.jsonl, where the next training
 * (npm run retrain, or the console's models page) reads it — four in five
 * trained on, one in five (by a hash of the text) kept back as the
 * regression set the gate checks, exactly as reviewed intent items are.
 *
 * The department must be on the list (an unknown id is an error naming it,
 * and nothing is written). A text equal to a held-out line is not written:
 * training on it would leak the test into the model; the correction of the
 * ticket itself stands. Personal data is masked before it reaches the corpus.
 */
import path from 'node:path';
import type { DepartmentCorrection, DepartmentCorrections } from '../core/dispatch.js';
import { AppError } from '../core/errors.js';
import { textKey } from '../nlu/reviewed.js';
import { maskPersonalData } from '../privacy/mask.js';
import { ReviewCorpus } from '../review/review-corpus.js';
import { DEPARTMENTS_CORPUS } from './department-corpus.js';
import type { Departments } from './departments.js';

/** recorded: written for the next training; heldout: equal to a held-out line, so not written. */
export type CorrectionOutcome = 'recorded' | 'heldout';

export class CorpusDepartmentCorrections implements DepartmentCorrections {
  readonly #corpus: ReviewCorpus;

  constructor(
    corpusDir: string,
    private readonly departments: Departments,
  ) {
    this.#corpus = new ReviewCorpus(path.join(corpusDir, DEPARTMENTS_CORPUS));
  }

  async record(c: DepartmentCorrection): Promise<void> {
    await this.recordOutcome(c);
  }

  /** The same as record, saying whether the text was written. */
  async recordOutcome(c: DepartmentCorrection): Promise<CorrectionOutcome> {
    this.departments.require(c.department, 'department correction');
    const text = maskPersonalData(c.text.trim());
    if (!text) throw new AppError('BAD_REQUEST', 'a department correction needs the ticket text');
    if (this.#corpus.heldoutKeys().has(textKey(text))) return 'heldout';
    this.#corpus.appendReviewed(c.department, [{ text, department: c.department, reviewedAt: new Date(c.at).toISOString(), by: c.by }]);
    return 'recorded';
  }
}

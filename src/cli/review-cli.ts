/**
 * The review use cases outside the server (review:export, review:import):
 * the same service the console uses, on the configured database and corpus,
 * with the intents of the model CURRENT names.
 */
import type { Config } from '../config.js';
import { AppError } from '../core/errors.js';
import { ModelStore } from '../nlu/model-store.js';
import { pickableIntents } from '../review/labels.js';
import { ReviewCorpus } from '../review/review-corpus.js';
import { ReviewService } from '../review/review-service.js';
import { SqliteReviewStore } from '../storage/review-store.js';
import { openDatabase } from '../storage/sqlite.js';
import { SqliteStaffStore } from '../storage/staff-store.js';

export function openReview(config: Config): { service: ReviewService; close(): void } {
  const models = new ModelStore(config.modelsDir);
  const version = models.currentVersion();
  if (!version)
    throw new AppError('MODEL_NOT_READY', `no current model in ${config.modelsDir}: start the server once or run npm run train`);
  const intents = pickableIntents(models.manifest(version).intents);
  const db = openDatabase(config.databaseFile);
  const staff = new SqliteStaffStore(db);
  const service = new ReviewService({
    store: new SqliteReviewStore(db),
    corpus: new ReviewCorpus(config.CORPUS_DIR),
    knownIntents: () => intents,
    modelVersion: () => version,
    audit: (e) => staff.audit(e),
    clock: () => new Date(),
    lowConfidence: config.REVIEW_LOW_CONFIDENCE,
  });
  return { service, close: () => db.close() };
}

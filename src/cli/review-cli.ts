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
import { openStorage } from '../storage/open-storage.js';

export async function openReview(config: Config): Promise<{ service: ReviewService; close(): Promise<void> }> {
  const models = new ModelStore(config.modelsDir);
  const version = models.currentVersion();
  if (!version)
    throw new AppError('MODEL_NOT_READY', `no current model in ${config.modelsDir}: start the server once or run npm run train`);
  const intents = pickableIntents(models.manifest(version).intents);
  const storage = await openStorage(config);
  const staff = storage.staff;
  const service = new ReviewService({
    store: storage.review,
    corpus: new ReviewCorpus(config.CORPUS_DIR),
    knownIntents: () => intents,
    modelVersion: () => version,
    audit: (e) => staff.audit(e),
    clock: () => new Date(),
    lowConfidence: config.REVIEW_LOW_CONFIDENCE,
  });
  return { service, close: () => storage.close() };
}

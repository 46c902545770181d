/**
 * First start: when DATA_DIR holds no model, train one from the shipped
 * corpus, save it and make it current. Later starts just load it.
 */
import type { Logger } from 'pino';
import { trainingSet } from './corpus.js';
import type { NluModel } from './model.js';
import { INTENT_KIND, type ModelKindSpec } from './model-kind.js';
import { ModelStore } from './model-store.js';
import { trainModel } from './train.js';
import { warmUp } from './warm-up.js';

export async function loadOrTrainModel(
  modelsDir: string,
  corpusDir: string,
  log: Logger,
  kind: ModelKindSpec = INTENT_KIND,
): Promise<NluModel> {
  const store = new ModelStore(modelsDir);
  const existing = store.loadCurrent();
  if (existing) {
    warmUp(existing);
    log.info({ version: existing.version }, `${kind.label} loaded`);
    return existing;
  }
  log.info({ corpusDir }, `no ${kind.label} yet: training one from the shipped corpus (first start only)`);
  const corpus = kind.loadCorpus(corpusDir);
  const { model, report } = await trainModel({
    kind: kind.kind,
    ...kind.training,
    train: trainingSet(corpus),
    test: corpus.test,
    terms: corpus.terms,
    corrections: corpus.corrections,
    corpusHash: corpus.hash,
    aspects: corpus.aspects,
    onProgress: (p) => {
      if (p.stage !== 'epoch' && p.stage !== 'evaluated') log.info(p, 'training');
    },
  });
  store.save(model);
  store.activate(model.version);
  warmUp(model);
  log.info(
    {
      version: model.version,
      seconds: model.manifest.trainingSeconds,
      inScopeAccuracy: report?.inScopeAccuracy,
      oosRecall: report?.oosRecall,
    },
    `${kind.label} trained and activated`,
  );
  return model;
}

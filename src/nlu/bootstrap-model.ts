/**
 * First start: when DATA_DIR holds no model, train one from the shipped
 * corpus, save it and make it current. Later starts just load it.
 */
import type { Logger } from 'pino';
import { loadCorpus, trainingSet } from './corpus.js';
import type { NluModel } from './model.js';
import { ModelStore } from './model-store.js';
import { trainModel } from './train.js';

/**
 * The date recognizer compiles its patterns on first use (≈120 ms measured);
 * pay that at start-up, not on a citizen's first message.
 */
export function warmUp(model: NluModel): void {
  for (const text of ['明天上午在浦东预约办居住证', '下周三下午', '12月3号', '你好']) model.parse(text);
}

export async function loadOrTrainModel(modelsDir: string, corpusDir: string, log: Logger): Promise<NluModel> {
  const store = new ModelStore(modelsDir);
  const existing = store.loadCurrent();
  if (existing) {
    warmUp(existing);
    log.info({ version: existing.version }, 'model loaded');
    return existing;
  }
  log.info({ corpusDir }, 'no model yet: training one from the shipped corpus (first start only)');
  const corpus = loadCorpus(corpusDir);
  const { model, report } = await trainModel({
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
    'model trained and activated',
  );
  return model;
}

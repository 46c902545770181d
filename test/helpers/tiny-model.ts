/** Trains the tiny fixture corpus once per test file (a second or two). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus, trainingSet } from '../../src/nlu/corpus.js';
import type { NluModel } from '../../src/nlu/model.js';
import { trainModel } from '../../src/nlu/train.js';

export const TINY_CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tiny-corpus');

let cached: Promise<NluModel> | undefined;

export function tinyModel(): Promise<NluModel> {
  cached ??= (async () => {
    const corpus = loadCorpus(TINY_CORPUS);
    const { model } = await trainModel({
      train: trainingSet(corpus),
      test: corpus.test,
      terms: corpus.terms,
      corrections: corpus.corrections,
      corpusHash: corpus.hash,
      folds: 2,
      parallel: 2,
    });
    return model;
  })();
  return cached;
}

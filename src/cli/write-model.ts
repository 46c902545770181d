/**
 * Where a training CLI puts the model it trained: to --out as a bare
 * artifact, or into the models directory as the current version (running
 * servers swap it in). Shared by `npm run train` and `npm run train:dispatch`.
 */
import path from 'node:path';
import { saveArtifact } from '../nlu/artifact.js';
import type { NluModel } from '../nlu/model.js';
import { ModelStore } from '../nlu/model-store.js';

export function writeTrainedModel(model: NluModel, o: { out: string | undefined; modelsDir: string }): string {
  if (o.out) {
    const where = path.resolve(o.out);
    saveArtifact(model, where);
    return where;
  }
  const store = new ModelStore(o.modelsDir);
  const where = store.save(model);
  store.activate(model.version);
  return where;
}

/**
 * The models a maintainer CLI can act on: the intent model and the
 * dispatch (派单) model, each with its kind, artifact store and registry.
 * The dispatch model is absent from a corpus without departments/.
 */
import type { Config } from '../config.js';
import type { ModelRegistry } from '../core/model-registry.js';
import { dispatchKind } from '../dispatch/dispatch-kind-from-config.js';
import { INTENT_KIND, type ModelKindSpec } from '../nlu/model-kind.js';
import { ModelStore } from '../nlu/model-store.js';
import type { Storage } from '../storage/storage.js';

export type ModelName = 'intent' | 'dispatch';
export const MODEL_NAMES: readonly ModelName[] = ['intent', 'dispatch'];

export interface ModelTarget {
  name: ModelName;
  kind: ModelKindSpec;
  store: ModelStore;
  registry: ModelRegistry;
}

export function intentTarget(config: Config, storage: Storage): ModelTarget {
  return { name: 'intent', kind: INTENT_KIND, store: new ModelStore(config.modelsDir), registry: storage.modelRegistry };
}

export function dispatchTarget(config: Config, storage: Storage): ModelTarget {
  return {
    name: 'dispatch',
    kind: dispatchKind(config).kind,
    store: new ModelStore(config.dispatchModelsDir),
    registry: storage.dispatchModelRegistry,
  };
}

export function modelTarget(name: ModelName, config: Config, storage: Storage): ModelTarget {
  return name === 'intent' ? intentTarget(config, storage) : dispatchTarget(config, storage);
}

/** Parses a --model option: intent, dispatch, or (absent) both. */
export function modelNames(option: string | undefined): ModelName[] {
  if (option === undefined || option === 'both') return [...MODEL_NAMES];
  if ((MODEL_NAMES as readonly string[]).includes(option)) return [option as ModelName];
  throw new Error(`--model must be intent, dispatch or both, not "${option}"`);
}

/**
 * The dispatch (派单) parts the app is wired with: the department list, the
 * classifier over the held dispatch model (hot-swapped by its own model
 * watcher) and the corrections that become its training data. Tickets ask
 * `classifier` when filed and tell `corrections` when staff change a
 * department.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DepartmentClassifier } from '../core/dispatch.js';
import { loadOrTrainModel } from '../nlu/bootstrap-model.js';
import type { NluModel } from '../nlu/model.js';
import type { ModelHolder } from '../nlu/model-holder.js';
import { ModelStore } from '../nlu/model-store.js';
import { HeldDepartmentClassifier } from './department-classifier.js';
import { hasDepartmentCorpus } from './department-corpus.js';
import { CorpusDepartmentCorrections } from './department-corrections.js';
import { departmentKind } from './department-kind.js';
import { type Departments, loadDepartments } from './departments.js';

export interface Dispatch {
  departments: Departments;
  classifier: DepartmentClassifier;
  corrections: CorpusDepartmentCorrections;
  /** The dispatch model serving now (null: none yet, every ticket waits in 待分派). */
  models: ModelHolder;
}

export function composeDispatch(
  config: Pick<Config, 'departmentsFile' | 'DISPATCH_MIN_SCORE' | 'CORPUS_DIR'>,
  models: ModelHolder,
): Dispatch {
  const departments = loadDepartments(config.departmentsFile);
  return {
    departments,
    classifier: new HeldDepartmentClassifier(models, departments, config.DISPATCH_MIN_SCORE),
    corrections: new CorpusDepartmentCorrections(config.CORPUS_DIR, departments),
    models,
  };
}

/**
 * Start-up: the current dispatch model, trained from corpus/departments/ on
 * first start (≈15 s on 2 cores). Without a model and without a corpus
 * there is nothing to dispatch with: null, and tickets wait in 待分派.
 */
export async function loadOrTrainDispatchModel(
  config: Pick<Config, 'departmentsFile' | 'DISPATCH_MIN_SCORE' | 'CORPUS_DIR' | 'dispatchModelsDir'>,
  log: Logger,
): Promise<NluModel | null> {
  if (!new ModelStore(config.dispatchModelsDir).currentVersion() && !hasDepartmentCorpus(config.CORPUS_DIR)) {
    log.warn({ corpusDir: config.CORPUS_DIR }, 'no dispatch model and no corpus/departments/: every ticket waits in 待分派');
    return null;
  }
  const kind = departmentKind(loadDepartments(config.departmentsFile), config.DISPATCH_MIN_SCORE);
  return loadOrTrainModel(config.dispatchModelsDir, config.CORPUS_DIR, log, kind);
}

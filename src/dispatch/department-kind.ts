/**
 * The dispatch model as a model kind: trained on corpus/departments/, no
 * threshold calibration (the corpus has no out-of-scope class to calibrate
 * against; DISPATCH_MIN_SCORE decides what waits in 待分派), judged by the
 * same decision serving makes.
 */
import type { ModelKindSpec } from '../nlu/model-kind.js';
import { predictDepartments } from './decide-department.js';
import { loadDepartmentCorpus } from './department-corpus.js';
import type { Departments } from './departments.js';

export function departmentKind(departments: Departments, minScore: number): ModelKindSpec {
  return {
    kind: 'department',
    label: 'dispatch model',
    loadCorpus: (dir) => loadDepartmentCorpus(dir, departments),
    // The manifest's threshold records the score in force at training time;
    // serving applies DISPATCH_MIN_SCORE as configured now.
    training: { folds: 0, threshold: minScore, thresholdOn: 'share' },
    predict: (model, rows) => predictDepartments(model, rows, minScore, departments),
  };
}

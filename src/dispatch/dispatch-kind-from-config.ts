/** The dispatch model kind as configured: the department list file and DISPATCH_MIN_SCORE. */
import type { Config } from '../config.js';
import type { ModelKindSpec } from '../nlu/model-kind.js';
import { departmentKind } from './department-kind.js';
import { type Departments, loadDepartments } from './departments.js';

export function dispatchKind(config: Pick<Config, 'departmentsFile' | 'DISPATCH_MIN_SCORE'>): {
  departments: Departments;
  kind: ModelKindSpec;
} {
  const departments = loadDepartments(config.departmentsFile);
  return { departments, kind: departmentKind(departments, config.DISPATCH_MIN_SCORE) };
}

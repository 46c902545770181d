/**
 * DepartmentClassifier over the held dispatch model: reads the holder once
 * per call, so a hot swap never changes a decision half-way. With no model
 * loaded the ticket waits in 待分派 rather than failing to be filed.
 */
import type { DepartmentClassifier, DepartmentPrediction } from '../core/dispatch.js';
import type { ModelHolder } from '../nlu/model-holder.js';
import { decideDepartment } from './decide-department.js';
import type { Departments } from './departments.js';

export class HeldDepartmentClassifier implements DepartmentClassifier {
  constructor(
    private readonly holder: ModelHolder,
    private readonly departments: Departments,
    /** DISPATCH_MIN_SCORE: below it the department is null (待分派). */
    private readonly minScore: number,
  ) {}

  async classify(text: string): Promise<DepartmentPrediction> {
    const model = this.holder.current;
    if (!model) return { department: null, score: 0, alternatives: [], modelVersion: null };
    return decideDepartment(model, text, this.minScore, this.departments);
  }
}

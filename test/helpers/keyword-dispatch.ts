/**
 * A deterministic stand-in for the dispatch model, for tests about ticket
 * behaviour (lifecycle, access, notices), not about the model: a keyword
 * found in the text names the department with a high score, otherwise the
 * score is low and the department null (待分派). The model itself is tested
 * with the real one (test/e2e/dispatch.test.ts).
 */
import type { DepartmentClassifier, DepartmentCorrection, DepartmentCorrections, DepartmentPrediction } from '../../src/core/dispatch.js';

export class KeywordDispatch implements DepartmentClassifier {
  calls = 0;
  /** Set to make the next classifications throw (a broken model). */
  failing = false;

  constructor(private readonly keywords: Record<string, string>) {}

  async classify(text: string): Promise<DepartmentPrediction> {
    this.calls++;
    if (this.failing) throw new Error('dispatch model exploded');
    const hit = Object.entries(this.keywords).find(([k]) => text.includes(k));
    const others = [...new Set(Object.values(this.keywords))].filter((d) => d !== hit?.[1]).slice(0, 2);
    if (!hit)
      return { department: null, score: 0.2, alternatives: others.map((d) => ({ department: d, score: 0.2 })), modelVersion: 'kw-1' };
    return {
      department: hit[1],
      score: 0.9,
      alternatives: [{ department: hit[1], score: 0.9 }, ...others.map((d) => ({ department: d, score: 0.05 }))],
      modelVersion: 'kw-1',
    };
  }
}

export class CollectedCorrections implements DepartmentCorrections {
  readonly recorded: DepartmentCorrection[] = [];
  async record(c: DepartmentCorrection): Promise<void> {
    this.recorded.push(c);
  }
}

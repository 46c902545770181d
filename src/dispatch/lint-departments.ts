/**
 * The department list and the dispatch corpus agree: every department has
 * training messages, and no message is labelled with two departments.
 * (Unknown department ids, anywhere in the corpus, already fail the loader
 * with the file named.)
 */
import { OUT_OF_SCOPE } from '../core/parse.js';
import type { Corpus } from '../nlu/corpus.js';
import { textKey } from '../nlu/reviewed.js';
import type { Departments } from './departments.js';

/** Fewer training messages than this and a department is rarely predicted. */
export const MIN_MESSAGES = 20;

export function lintDepartmentCorpus(departments: Departments, corpus: Corpus): string[] {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  const labels = new Map<string, Set<string>>();
  for (const row of [...corpus.train, ...corpus.reviewed.train]) {
    counts.set(row.intent, (counts.get(row.intent) ?? 0) + 1);
    const key = textKey(row.text);
    labels.set(key, (labels.get(key) ?? new Set()).add(row.intent));
  }
  for (const d of departments.list) {
    const n = counts.get(d.id) ?? 0;
    if (n === 0) problems.push(`department ${d.id} (${d.name}) has no training messages: add corpus/departments/${d.id}.yaml`);
    else if (n < MIN_MESSAGES) problems.push(`department ${d.id} has only ${n} training messages (at least ${MIN_MESSAGES})`);
  }
  for (const [key, set] of labels) {
    if (set.size > 1) {
      const ids = [...set].map((id) => (id === OUT_OF_SCOPE ? 'None' : id)).join(' and ');
      problems.push(`the message "${key}" is labelled ${ids}`);
    }
  }
  return problems;
}

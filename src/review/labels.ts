/**
 * The labels a reviewer can give, written the same way in the console, the
 * API and the import file: an intent id the model knows, `out_of_scope`,
 * or `new:<id>` to propose an intent that does not exist yet.
 */
import { OUT_OF_SCOPE } from '../core/parse.js';

export const OUT_OF_SCOPE_LABEL = 'out_of_scope';
const NEW_PREFIX = 'new:';
// The same rule as intent ids in the corpus.
const INTENT_ID = /^[a-z][a-z0-9_]{0,63}$/;

export type Label = { kind: 'intent'; intent: string } | { kind: 'out_of_scope' } | { kind: 'new'; id: string };

/** Parses a label against the intents the model knows; a string is the reason it is not valid. */
export function parseLabel(raw: string, known: readonly string[]): Label | string {
  const label = raw.trim();
  if (label === OUT_OF_SCOPE_LABEL || label === OUT_OF_SCOPE) return { kind: 'out_of_scope' };
  if (label.startsWith(NEW_PREFIX)) {
    const id = label.slice(NEW_PREFIX.length).trim();
    if (!INTENT_ID.test(id)) return `"${id}" is not a valid intent id (lower_snake_case, e.g. new:tax_refund)`;
    if (known.includes(id)) return `intent "${id}" already exists: label it "${id}" instead of proposing it`;
    return { kind: 'new', id };
  }
  if (known.includes(label)) return { kind: 'intent', intent: label };
  return `unknown intent "${label}" (use an intent the model knows, ${OUT_OF_SCOPE_LABEL}, or new:<id>)`;
}

/** The label as written back (in the audit log and the review_labels table). */
export function labelText(l: Label): string {
  return l.kind === 'intent' ? l.intent : l.kind === 'new' ? `${NEW_PREFIX}${l.id}` : OUT_OF_SCOPE_LABEL;
}

/** The intents a reviewer can pick from a model's manifest (out-of-scope has its own action). */
export const pickableIntents = (manifestIntents: readonly string[]): string[] => manifestIntents.filter((i) => i !== OUT_OF_SCOPE).sort();

/**
 * Out-of-scope augmentation from corpus/augment/out-of-scope-templates.yaml:
 * government terms wrapped in requests this service cannot answer (translate
 * it, write a poem about it, a film named after it). See that file for why.
 * The choice of terms per template is seeded by the template text, so the
 * same corpus always trains on the same lines.
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { AppError } from '../core/errors.js';
import { OUT_OF_SCOPE } from '../core/parse.js';
import type { LabelledText } from './corpus.js';

export interface OosTemplates {
  perTemplate: number;
  templates: string[];
}

export function parseOosTemplates(source: string, file: string): OosTemplates {
  const doc = parse(source) as { per_template?: unknown; templates?: unknown };
  const perTemplate = doc?.per_template ?? 10;
  const templates = doc?.templates;
  if (typeof perTemplate !== 'number' || perTemplate < 1)
    throw new AppError('CORPUS_INVALID', `${file}: per_template must be a positive number`);
  if (!Array.isArray(templates) || !templates.every((t) => typeof t === 'string' && t.includes('{term}'))) {
    throw new AppError('CORPUS_INVALID', `${file}: templates must be a list of strings containing {term}`);
  }
  return { perTemplate, templates };
}

function rank(seed: string, term: string): string {
  return createHash('sha1').update(seed).update('\0').update(term).digest('hex');
}

export function expandOosTemplates(t: OosTemplates, terms: readonly string[]): LabelledText[] {
  const out: LabelledText[] = [];
  for (const template of t.templates) {
    // Hash each term once (hashing inside the comparator cost ~300k SHA-1s per load).
    const chosen = terms
      .map((term) => ({ term, key: rank(template, term) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, t.perTemplate)
      .map((x) => x.term);
    for (const term of chosen) out.push({ text: template.replaceAll('{term}', term), intent: OUT_OF_SCOPE });
  }
  return out;
}

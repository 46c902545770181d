/**
 * Consistency checks between intents/ and corpus/ for `npm run lint:intents`:
 * the same intent ids on both sides, every placeholder of every template
 * known (so every prompt renders), services and halls that exist.
 */
import { OUT_OF_SCOPE } from '../core/parse.js';
import { DISTRICTS } from '../nlu/entities/districts.js';
import { FOLLOW_UP_MESSAGE_VARS } from './aspect-answers.js';
import type { Behaviour } from './definitions.js';
import { render } from './slots.js';

const placeholders = (t: string) => [...t.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1] as string);

const MESSAGE_VARS: Record<string, string[]> = {
  fallback_guess: ['guess'],
  handoff_queued: ['position', 'wait'],
  handoff_waiting: ['position', 'wait'],
  callback_offer: ['hours', 'next'],
  urgent_after_hours: ['hours', 'next', 'reference'],
  callback_done: ['reference', 'next', 'phone'],
  rating_thanks: ['label'],
  rating_follow_up: ['label', 'reference'],
  form_cancelled: ['form'],
  form_dropped: ['form'],
  finish_form_first: ['form', 'other', 'prompt'],
  second_request_later: ['other'],
  later_reminder: ['other'],
  phone_required: ['prompt'],
  reschedule_how: [],
  reschedule_rebook: [],
  reschedule_unknown: [],
  form_expired: ['form', 'minutes'],
  resume_after_digression: ['form', 'prompt'],
  ticket_in_progress: ['reference', 'department', 'result'],
  ticket_resolved: ['reference', 'department', 'result'],
  ticket_returned: ['reference', 'department', 'result'],
  ...FOLLOW_UP_MESSAGE_VARS,
};

export function lintBehaviour(b: Behaviour, corpusIntents: readonly string[]): string[] {
  const problems: string[] = [];
  const defined = new Set(b.intents.keys());
  const trained = new Set(corpusIntents.filter((i) => i !== OUT_OF_SCOPE));
  for (const id of trained) if (!defined.has(id)) problems.push(`corpus intent "${id}" has no definition in intents/`);
  for (const [id, def] of b.intents) {
    const where = `${def.file}:${def.line} ${id}`;
    if (!trained.has(id)) problems.push(`${where}: defined in intents/ but has no training utterances in corpus/`);
    for (const f of def.follow_ups) if (placeholders(f).length) problems.push(`${where}: follow-up "${f}" has a placeholder`);
    const form = def.form;
    if (!form) continue;
    const slotNames = form.slots.map((s) => s.name);
    for (const slot of form.slots) {
      for (const v of placeholders(slot.prompt)) problems.push(`${where}: slot ${slot.name} prompt uses unknown {${v}}`);
      for (const v of placeholders(slot.reprompt)) {
        if (!['reason', 'choices', 'rules'].includes(v)) problems.push(`${where}: slot ${slot.name} reprompt uses unknown {${v}}`);
      }
    }
    for (const [key, template] of [
      ['confirm', form.confirm],
      ['done', form.done],
    ] as const) {
      if (!template) continue;
      const allowed = key === 'done' ? [...slotNames, 'reference'] : slotNames;
      for (const v of placeholders(template)) if (!allowed.includes(v)) problems.push(`${where}: form ${key} uses unknown {${v}}`);
    }
    if (form.answer_from === 'checklists') {
      const choices = Object.keys(form.slots[0]?.choices ?? {});
      for (const c of choices) if (!def.checklists?.[c]) problems.push(`${where}: no checklist for choice "${c}"`);
    }
    if (form.answer_from === 'cases') {
      const choices = Object.keys(form.slots[0]?.choices ?? {});
      for (const c of choices) if (!def.cases?.[c]) problems.push(`${where}: no case answer for choice "${c}"`);
    }
  }
  for (const [key, text] of Object.entries(b.dialogue.messages)) {
    const allowed = MESSAGE_VARS[key] ?? [];
    for (const v of placeholders(text))
      if (!allowed.includes(v)) problems.push(`intents/dialogue.yaml: message ${key} uses unknown {${v}}`);
    const rendered = render(text, Object.fromEntries(allowed.map((a) => [a, 'x'])));
    if (/\{[a-z_]+\}/.test(rendered)) problems.push(`intents/dialogue.yaml: message ${key} does not render`);
  }
  for (const id of b.services.keys()) if (!defined.has(id)) problems.push(`intents/data/services.yaml: "${id}" is not an intent`);
  for (const district of Object.keys(DISTRICTS)) if (!b.halls.has(district)) problems.push(`service halls: no entry for ${district}`);
  return problems;
}

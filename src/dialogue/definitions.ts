/**
 * Behaviour definitions: intents/*.yaml (answers, forms, follow-ups,
 * escalation), intents/dialogue.yaml (engine messages and rules) and
 * intents/data/* (services, garbage table, service halls, calendar).
 * Validated once at start-up; every error names the file and line.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ASPECTS, type Aspect } from '../core/aspects.js';
import { AppError } from '../core/errors.js';
import { Departments, loadDepartments } from '../dispatch/departments.js';

export const SLOT_TYPES = [
  'service',
  'district',
  'date',
  'period',
  'phone',
  'text',
  'place',
  'reference',
  'choice',
  'garbage_item',
] as const;
export type SlotType = (typeof SLOT_TYPES)[number];

const slotSchema = z
  .object({
    name: z.string().regex(/^[a-z_]+$/),
    type: z.enum(SLOT_TYPES),
    prompt: z.string().min(1),
    reprompt: z.string().min(1),
    validate: z.enum(['future_workday']).optional(),
    optional: z.boolean().optional(),
    min_length: z.number().int().positive().optional(),
    choices: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
    default: z.enum(['last_reference']).optional(),
  })
  .strict()
  .refine((s) => s.type !== 'choice' || s.choices, { message: 'a choice slot needs choices' });

const formSchema = z
  .object({
    name: z.string().min(1),
    slots: z.array(slotSchema).min(1),
    confirm: z.string().optional(),
    action: z.enum(['create_appointment', 'create_ticket', 'lookup_reference']).optional(),
    done: z.string().optional(),
    answer_from: z.enum(['checklists', 'cases', 'garbage', 'service_halls']).optional(),
  })
  .strict()
  .refine((f) => f.action || f.answer_from, { message: 'a form needs an action or answer_from' })
  .refine((f) => (f.action !== 'create_appointment' && f.action !== 'create_ticket' ? true : Boolean(f.confirm && f.done)), {
    message: 'a form that creates a record needs confirm and done messages',
  });

const intentSchema = z
  .object({
    answer: z.string().min(1),
    follow_ups: z.array(z.string().min(1)).max(5).default([]),
    form: formSchema.optional(),
    escalate: z
      .object({ reason: z.string().regex(/^[a-z_]+$/), priority: z.enum(['urgent', 'high', 'normal']) })
      .strict()
      .optional(),
    checklists: z.record(z.string(), z.array(z.string())).optional(),
    cases: z.record(z.string(), z.string()).optional(),
    /** Marked by a maintainer: the assistant gives its answer (if any) and hands the conversation to a person. */
    staff_only: z.boolean().optional(),
    /** How a citizen names this matter (居住证): a service the conversation can remember as its topic. */
    topic: z.string().min(1).optional(),
    /** Answers per aspect for follow-up questions (材料, 地点 …); sample facts to verify. */
    aspects: z
      .object(Object.fromEntries(ASPECTS.map((a) => [a, z.string().min(1).optional()])) as Record<Aspect, z.ZodOptional<z.ZodString>>)
      .strict()
      .optional(),
  })
  .strict();

const dialogueSchema = z
  .object({
    expiry_minutes: z.number().positive(),
    escalation: z
      .object({
        slot_failures_before_offer: z.number().int().positive(),
        misunderstood_before_offer: z.number().int().positive(),
        /** The same question this many times in a row goes to a person. */
        repeated_question_before_handoff: z.number().int().min(2).default(3),
        /** Abuse (profanity, insults): a person takes over wherever the citizen is. */
        abuse_patterns: z.array(z.string().min(1)).default([]),
        /** Strong anger: a person takes over, except while the citizen is typing free text into a form. */
        anger_patterns: z.array(z.string().min(1)).default([]),
        /** Immediate danger: the message is an emergency whatever the model read. */
        danger_patterns: z.array(z.string().min(1)).default([]),
      })
      .strict(),
    messages: z.record(z.string(), z.string()),
  })
  .strict();

export const REQUIRED_MESSAGES = [
  'fallback',
  'fallback_guess',
  'capabilities',
  'offer_human_misunderstood',
  'offer_human_slot',
  'handoff_queued',
  'handoff_waiting',
  'handoff_left',
  'handoff_claimed_waiting',
  'handoff_anger',
  'handoff_repeated',
  'callback_offer',
  'urgent_after_hours',
  'callback_reprompt',
  'callback_done',
  'callback_cancelled',
  'rating_prompt',
  'rating_thanks',
  'rating_follow_up',
  'handoff_idle_returned',
  'form_cancelled',
  'form_dropped',
  'finish_form_first',
  'second_request_later',
  'later_reminder',
  'phone_required',
  'reschedule_how',
  'reschedule_rebook',
  'reschedule_unknown',
  'form_expired',
  'resume_after_digression',
  'confirm_ambiguous',
  'ask_what_to_change',
  'nothing_to_cancel',
  'acknowledge',
  'hotline_number',
  'welcome',
  'unsupported_media',
  'voice_unrecognised',
] as const;

export type SlotDef = z.infer<typeof slotSchema>;
export type FormDef = z.infer<typeof formSchema>;
export type IntentDef = z.infer<typeof intentSchema> & { id: string; file: string; line: number };
export type DialogueDef = z.infer<typeof dialogueSchema>;

export interface GarbageItem {
  name: string;
  category: string;
  aliases: string[];
  note?: string;
}

export interface ServiceHall {
  name: string;
  address: string;
  hours: string;
}

export interface Behaviour {
  intents: Map<string, IntentDef>;
  dialogue: DialogueDef;
  services: Map<string, { name: string; aliases: string[] }>;
  garbage: { rules: string[]; categories: Record<string, { note: string }>; items: GarbageItem[] };
  halls: Map<string, ServiceHall>;
  calendar: { holidays: Set<string>; workdays: Set<string> };
  /** Who tickets are dispatched to (data/departments.yaml). */
  departments: Departments;
}

/** Parses a YAML file and validates it, turning schema errors into "file:line: path: message". */
function readYaml<T>(file: string, schema: z.ZodType<T>): { value: T; lineOf: (p: Array<string | number>) => number } {
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new AppError('CONFIG_INVALID', `${file}:${e?.linePos?.[0]?.line ?? 1}: ${e?.message.split('\n')[0]}`);
  }
  // The line of a path: its key's line where the parent is a map (an
  // intent's name, a slot's field), else the node's own line.
  const lineOf = (p: Array<string | number>) => {
    for (let n = p.length; n >= 0; n--) {
      const parent = n > 0 ? doc.getIn(p.slice(0, n - 1), true) : undefined;
      if (parent && isMap(parent)) {
        const pair = parent.items.find((i) => isScalar(i.key) && i.key.value === p[n - 1]);
        const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (range) return lines.linePos(range[0]).line;
      }
      const node = doc.getIn(p.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return 1;
  };
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const p = issue.path.map((x) => (typeof x === 'symbol' ? String(x) : x));
    throw new AppError('CONFIG_INVALID', `${file}:${lineOf(p)}: ${p.join('.') || '(top)'}: ${issue.message}`);
  }
  return { value: parsed.data, lineOf };
}

const intentFileSchema = z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'intent ids are lower_snake_case'), intentSchema);
const servicesSchema = z.record(z.string(), z.object({ name: z.string(), aliases: z.array(z.string()).min(1) }).strict());
const garbageSchema = z.object({
  rules: z.array(z.string()).min(1),
  categories: z.record(z.string(), z.object({ note: z.string() })),
  items: z
    .array(z.object({ name: z.string(), category: z.string(), aliases: z.array(z.string()).default([]), note: z.string().optional() }))
    .min(1),
});
const hallsSchema = z.record(
  z.string(),
  z.object({ name: z.string(), address: z.string(), hours: z.string(), aliases: z.array(z.string()).default([]) }),
);
const calendarSchema = z.object({ holidays: z.array(z.string()).default([]), workdays: z.array(z.string()).default([]) });

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function loadBehaviour(dir: string): Behaviour {
  const intents = new Map<string, IntentDef>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'dialogue.yaml')
    .sort();
  for (const f of files) {
    const file = path.join(dir, f);
    const { value, lineOf } = readYaml(file, intentFileSchema);
    for (const [id, def] of Object.entries(value)) {
      if (intents.has(id))
        throw new AppError('CONFIG_INVALID', `${file}:${lineOf([id])}: intent "${id}" is also defined in ${intents.get(id)?.file}`);
      intents.set(id, { ...def, id, file, line: lineOf([id]) });
    }
  }
  const dialogueFile = path.join(dir, 'dialogue.yaml');
  const { value: dialogue, lineOf: dialogueLine } = readYaml(dialogueFile, dialogueSchema);
  for (const key of REQUIRED_MESSAGES) {
    if (!dialogue.messages[key])
      throw new AppError('CONFIG_INVALID', `${dialogueFile}:${dialogueLine(['messages'])}: messages.${key} is missing`);
  }
  for (const key of ['abuse_patterns', 'anger_patterns', 'danger_patterns'] as const) {
    for (const [i, pattern] of dialogue.escalation[key].entries()) {
      try {
        new RegExp(pattern, 'u');
      } catch (e) {
        throw new AppError(
          'CONFIG_INVALID',
          `${dialogueFile}:${dialogueLine(['escalation', key, i])}: escalation.${key}[${i}] is not a valid pattern: ${(e as Error).message}`,
        );
      }
    }
  }
  const data = (name: string) => path.join(dir, 'data', name);
  const services = readYaml(data('services.yaml'), servicesSchema).value;
  const garbage = readYaml(data('garbage-items.yaml'), garbageSchema).value;
  const hallsFile = existsSync(data('service-halls.yaml')) ? data('service-halls.yaml') : data('service-halls.sample.yaml');
  const halls = readYaml(hallsFile, hallsSchema).value;
  const calendarFile = existsSync(data('calendar.yaml')) ? data('calendar.yaml') : data('calendar.sample.yaml');
  const calendar = readYaml(calendarFile, calendarSchema);
  for (const [i, d] of [...calendar.value.holidays, ...calendar.value.workdays].entries()) {
    if (!DATE.test(d)) throw new AppError('CONFIG_INVALID', `${calendarFile}: entry ${i + 1} "${d}" is not a YYYY-MM-DD date`);
  }
  for (const [i, item] of garbage.items.entries()) {
    if (!garbage.categories[item.category]) {
      throw new AppError(
        'CONFIG_INVALID',
        `${data('garbage-items.yaml')}: items[${i}] "${item.name}" has unknown category "${item.category}"`,
      );
    }
  }
  return {
    intents,
    dialogue,
    services: new Map(Object.entries(services)),
    garbage,
    halls: new Map(Object.entries(halls).map(([k, v]) => [k, { name: v.name, address: v.address, hours: v.hours }])),
    calendar: { holidays: new Set(calendar.value.holidays), workdays: new Set(calendar.value.workdays) },
    // An install from before dispatch has no list: every ticket then waits in 待分派.
    departments: existsSync(data('departments.yaml'))
      ? loadDepartments(data('departments.yaml'))
      : new Departments([], data('departments.yaml')),
  };
}

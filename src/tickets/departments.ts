/**
 * The department list (intents/data/departments.yaml): who tickets can be
 * dispatched to. Read once at start; an entry that is not valid, or an id
 * used twice, stops the start with the file and the entry named.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Department } from '../core/dispatch.js';
import { AppError } from '../core/errors.js';

const departmentSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'department ids are lower_snake_case'),
    name: z.string().min(1),
    handles: z.string().min(1),
    group: z.string().min(1),
  })
  .strict();

export interface Departments {
  readonly list: readonly Department[];
  get(id: string): Department | undefined;
  /** The name staff and citizens see; 待分派 for none. */
  nameOf(id: string | null): string;
}

export const UNASSIGNED_NAME = '待分派';

export function departmentsFrom(list: readonly Department[]): Departments {
  const byId = new Map(list.map((d) => [d.id, d]));
  return {
    list,
    get: (id) => byId.get(id),
    nameOf: (id) => (id === null ? UNASSIGNED_NAME : (byId.get(id)?.name ?? id)),
  };
}

/** A missing file is an empty list: every ticket then waits in 待分派 for staff. */
export function loadDepartments(file: string): Departments {
  if (!existsSync(file)) return departmentsFrom([]);
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AppError('CONFIG_INVALID', `${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(raw)) throw new AppError('CONFIG_INVALID', `${file}: must be a list of departments (- id: …)`);
  const seen = new Set<string>();
  const list: Department[] = raw.map((entry, i) => {
    const parsed = departmentSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || '(entry)';
      throw new AppError('CONFIG_INVALID', `${file}: department ${i + 1}: ${field}: ${issue?.message}`);
    }
    if (seen.has(parsed.data.id))
      throw new AppError('CONFIG_INVALID', `${file}: department ${i + 1}: id "${parsed.data.id}" is used twice`);
    seen.add(parsed.data.id);
    return parsed.data;
  });
  return departmentsFrom(list);
}

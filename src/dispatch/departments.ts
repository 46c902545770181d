/**
 * The department list (intents/data/departments.yaml): who tickets can be
 * dispatched to. Validated once when loaded; every error names the file
 * and the entry. Anything else that names a department (a corpus file, a
 * correction, a held-out line, a staff account) asks `require`, so an
 * unknown id is refused with its name and where it came from.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Department } from '../core/dispatch.js';
import { AppError } from '../core/errors.js';

/** The same shape as intent ids: department ids are file names and labels of the dispatch model. */
export const DEPARTMENT_ID = /^[a-z][a-z0-9_]*$/;

const departmentSchema = z
  .object({
    id: z.string().regex(DEPARTMENT_ID, 'must be lower_snake_case, e.g. market_supervision'),
    name: z.string().trim().min(1),
    handles: z.string().trim().min(1),
    group: z.string().regex(DEPARTMENT_ID, 'must be lower_snake_case, e.g. market'),
  })
  .strict();

export class Departments {
  readonly #byId: ReadonlyMap<string, Department>;

  constructor(
    readonly list: readonly Department[],
    /** Where the list came from, for error messages. */
    readonly source: string,
  ) {
    this.#byId = new Map(list.map((d) => [d.id, d]));
  }

  get ids(): string[] {
    return this.list.map((d) => d.id);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  get(id: string): Department | undefined {
    return this.#byId.get(id);
  }

  /** The department with this id; an unknown id is an UNKNOWN_DEPARTMENT error naming it and `where` it was found. */
  require(id: string, where: string): Department {
    const d = this.#byId.get(id);
    if (!d) {
      throw new AppError('UNKNOWN_DEPARTMENT', `${where}: unknown department "${id}" (${this.source} lists ${this.ids.join(', ')})`, {
        department: id,
      });
    }
    return d;
  }
}

const fail = (message: string): never => {
  throw new AppError('CONFIG_INVALID', message);
};

export function parseDepartments(source: string, file: string): Departments {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    fail(`${file}:${e?.linePos?.[0]?.line ?? 1}: ${e?.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS();
  if (!Array.isArray(raw) || raw.length === 0) fail(`${file}: expected a list of departments (id, name, handles, group)`);
  const items = (doc.contents as { items?: Array<{ range?: [number, number, number] }> } | null)?.items ?? [];
  const seen = new Set<string>();
  const list = (raw as unknown[]).map((entry, i) => {
    const at = `${file}:${items[i]?.range ? lines.linePos(items[i].range[0]).line : 1}`;
    const id = typeof (entry as { id?: unknown })?.id === 'string' ? (entry as { id: string }).id : `#${i + 1}`;
    const parsed = departmentSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'entry';
      fail(`${at}: department ${id}: ${field}: ${issue?.message}`);
    }
    const d = parsed.data as Department;
    if (seen.has(d.id)) fail(`${at}: department ${d.id} is listed twice`);
    seen.add(d.id);
    return d;
  });
  return new Departments(list, file);
}

export function loadDepartments(file: string): Departments {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    return fail(`${file}: cannot read the department list (${(e as Error).message})`);
  }
  return parseDepartments(source, file);
}

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../src/core/errors.js';
import { loadDepartmentCorpus } from '../../src/dispatch/department-corpus.js';
import { loadDepartments, parseDepartments } from '../../src/dispatch/departments.js';
import { shippedDepartments, tinyCorpusWithDepartments } from '../helpers/dispatch-corpus.js';

const codeAndMessage = (f: () => unknown): { code: string; message: string } => {
  try {
    f();
  } catch (e) {
    return { code: (e as AppError).code, message: (e as Error).message };
  }
  throw new Error('expected an error');
};

const entry = (id: string, extra = '') => `- id: ${id}\n  name: 区${id}局\n  handles: 各种事\n  group: g_${id}\n${extra}`;

describe('the department list', () => {
  it('loads the shipped sample list: twelve departments with names, remits and staff groups', () => {
    const d = shippedDepartments();
    expect(d.list).toHaveLength(12);
    expect(d.get('water_affairs')).toMatchObject({ name: '区水务局', group: 'water' });
    expect(d.ids).toContain('market_supervision');
  });

  it('names the file, line and field of an entry that lacks a field', () => {
    const source = `${entry('water')}- id: transport\n  name: 区交通委员会\n  group: transport\n`;
    const e = codeAndMessage(() => parseDepartments(source, 'departments.yaml'));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^departments\.yaml:5: department transport: handles: /);
  });

  it('refuses an id that is not lower_snake_case, and one listed twice', () => {
    expect(codeAndMessage(() => parseDepartments(entry('Water-Bureau'), 'd.yaml')).message).toMatch(
      /d\.yaml:1: department Water-Bureau: id: must be lower_snake_case/,
    );
    expect(codeAndMessage(() => parseDepartments(entry('water') + entry('water'), 'd.yaml')).message).toMatch(
      /d\.yaml:5: department water is listed twice/,
    );
  });

  it('refuses an unknown field, a file that is not a list and a file that does not exist', () => {
    expect(codeAndMessage(() => parseDepartments(entry('water', '  phone: 12345\n'), 'd.yaml')).message).toMatch(/department water: /);
    expect(codeAndMessage(() => parseDepartments('water: 区水务局\n', 'd.yaml')).message).toMatch(
      /d\.yaml: expected a list of departments/,
    );
    expect(codeAndMessage(() => loadDepartments('/nonexistent/departments.yaml')).message).toMatch(
      /\/nonexistent\/departments\.yaml: cannot read the department list/,
    );
  });

  it('an unknown department id is an UNKNOWN_DEPARTMENT error naming the id and where it was found', () => {
    const e = codeAndMessage(() => shippedDepartments().require('fire_brigade', 'ticket T-1'));
    expect(e.code).toBe('UNKNOWN_DEPARTMENT');
    expect(e.message).toMatch(/^ticket T-1: unknown department "fire_brigade" \(.*lists market_supervision, housing/);
  });
});

describe('the dispatch corpus names only listed departments', () => {
  it('loads one file per department and None, the held-out split and the shared dictionary', () => {
    const corpus = loadDepartmentCorpus(tinyCorpusWithDepartments(), shippedDepartments());
    expect(new Set(corpus.train.map((r) => r.intent))).toEqual(new Set(['water_affairs', 'transport', 'human_resources', 'None']));
    expect(corpus.test).toHaveLength(6);
    expect(corpus.terms.length).toBeGreaterThan(0);
  });

  it('refuses a corpus file named for an unknown department, naming the file', () => {
    const dir = tinyCorpusWithDepartments();
    writeFileSync(path.join(dir, 'departments', 'fire_brigade.yaml'), '- 着火了\n');
    const e = codeAndMessage(() => loadDepartmentCorpus(dir, shippedDepartments()));
    expect(e.code).toBe('UNKNOWN_DEPARTMENT');
    expect(e.message).toMatch(/departments\/fire_brigade\.yaml .*unknown department "fire_brigade"/);
  });

  it('refuses an unknown department in a held-out line and in a correction file, naming file and line', () => {
    const dir = tinyCorpusWithDepartments();
    writeFileSync(path.join(dir, 'departments', 'test', 'more.jsonl'), '{"text": "着火了", "department": "fire_brigade"}\n');
    expect(codeAndMessage(() => loadDepartmentCorpus(dir, shippedDepartments())).message).toMatch(
      /test\/more\.jsonl:1: unknown department "fire_brigade"/,
    );
    const other = tinyCorpusWithDepartments();
    mkdirSync(path.join(other, 'departments', 'reviewed'));
    writeFileSync(path.join(other, 'departments', 'reviewed', 'x.jsonl'), '{"text": "着火了", "department": "fire_brigade"}\n');
    expect(codeAndMessage(() => loadDepartmentCorpus(other, shippedDepartments())).message).toMatch(
      /reviewed\/x\.jsonl \(item 1\): unknown department "fire_brigade"/,
    );
  });

  it('names the line of a message that is not a string', () => {
    const dir = tinyCorpusWithDepartments();
    writeFileSync(path.join(dir, 'departments', 'transport.yaml'), '- 公交太少\n- 12345\n');
    expect(codeAndMessage(() => loadDepartmentCorpus(dir, shippedDepartments())).message).toMatch(
      /departments\/transport\.yaml:2: each message must be a non-empty string/,
    );
  });
});

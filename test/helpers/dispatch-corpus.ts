/** Writable corpora with a tiny dispatch part (three real department ids), and the shipped department list. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDepartments } from '../../src/dispatch/departments.js';
import { TINY_CORPUS } from './tiny-model.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
export const TINY_DEPARTMENTS = path.join(FIXTURES, 'tiny-departments', 'departments');
export const SHIPPED_DEPARTMENTS_FILE = path.resolve('intents/data/departments.yaml');

export const shippedDepartments = () => loadDepartments(SHIPPED_DEPARTMENTS_FILE);

/** A fresh copy of the tiny intent corpus with corpus/departments/ from the tiny dispatch fixture. */
export function tinyCorpusWithDepartments(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-dispatch-')), 'corpus');
  cpSync(TINY_CORPUS, dir, { recursive: true });
  cpSync(TINY_DEPARTMENTS, path.join(dir, 'departments'), { recursive: true });
  return dir;
}

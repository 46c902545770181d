/**
 * pg prepares a named statement once per connection and refuses the same
 * name with another text: every sql('name', …) under src/storage/postgres
 * must have its own name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = 'src/storage/postgres';

describe('PostgreSQL statement names', () => {
  it('are unique across the adapters', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
      for (const m of readFileSync(path.join(DIR, file), 'utf8').matchAll(/\bsql\(\s*'([^']+)'/g)) {
        const name = m[1] as string;
        const where = seen.get(name);
        if (where) clashes.push(`${name} in ${where} and ${file}`);
        seen.set(name, file);
      }
    }
    expect(seen.size).toBeGreaterThan(50);
    expect(clashes).toEqual([]);
  });
});

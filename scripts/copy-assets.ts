/**
 * Part of `npm run build`: tsc compiles src/ to dist/, and this copies the
 * files the server reads beside its modules (the chat page and the console
 * pages, found through import.meta.url), so dist/ runs on its own.
 */
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';

const copied = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'));
for (const f of copied) cpSync(path.join('src', f), path.join('dist', f));
console.log(`copied ${copied.length} page(s) to dist/`);

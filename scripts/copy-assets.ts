/**
 * Part of `npm run build`: tsc compiles src/ to dist/, and this copies the
 * files the server reads beside its modules (the chat page, the console
 * pages and the script and stylesheet they share, found through
 * import.meta.url), so dist/ runs on its own. src/ holds no other .js or
 * .css: tsc compiles the .ts.
 */
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';

const copied = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => /\.(html|js|css)$/.test(f));
for (const f of copied) cpSync(path.join('src', f), path.join('dist', f));
console.log(`copied ${copied.length} file(s) to dist/`);

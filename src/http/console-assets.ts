/**
 * The files the staff console pages share — the script every page imports
 * (src/console/common.js) and the stylesheet of the review and ticket pages
 * (worklist.css) — at /console/<name>, beside the pages. Read once at start,
 * as the pages are, and cached as they are (not at all), so a page and what
 * it loads are always of the same release. Same-origin files: the pages'
 * CSP (script-src / style-src 'self') allows them without a hash.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.js';

const ASSETS: Record<string, string> = {
  'common.js': 'text/javascript; charset=utf-8',
  'worklist.css': 'text/css; charset=utf-8',
};

export async function consoleAssets(app: FastifyInstance): Promise<void> {
  for (const [name, type] of Object.entries(ASSETS)) {
    const file = new URL(`../console/${name}`, import.meta.url);
    const body = existsSync(file) ? readFileSync(file, 'utf8') : null;
    app.get(`/console/${name}`, async (_req, reply) => {
      if (body === null) throw new AppError('NOT_FOUND', `/console/${name} is not installed`);
      return reply.type(type).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').send(body);
    });
  }
}

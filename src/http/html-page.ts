/**
 * A self-contained staff page (one HTML file with inline <script> and
 * <style> blocks) served with a Content-Security-Policy that allows exactly
 * those blocks by hash and nothing from elsewhere, so injected markup could
 * not run script even if a page made a mistake.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { FastifyReply } from 'fastify';

export interface HtmlPage {
  html: string;
  csp: string;
}

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

/** Reads the page once (null when the file is not installed) and computes its CSP. */
export function loadHtmlPage(file: URL): HtmlPage | null {
  if (!existsSync(file)) return null;
  const html = readFileSync(file, 'utf8');
  const hashes = (tag: string) =>
    [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))]
      .filter((m) => !/\ssrc=/.test(m[0].slice(0, m[0].indexOf('>'))))
      .map((m) => sha256(m[1] ?? ''))
      .join(' ');
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${hashes('script')}`,
    `style-src 'self' ${hashes('style')}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
  return { html, csp };
}

export function sendHtmlPage(reply: FastifyReply, page: HtmlPage): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', page.csp)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(page.html);
}

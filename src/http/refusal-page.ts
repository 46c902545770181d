/**
 * The page a signed-in staff member gets for a console page their role
 * cannot use (an agent opening /console/review or /console/models): a
 * plain 403 that says why and links back to the console, rather than a page
 * shell whose every request would then fail. No script; its one style block
 * is allowed by hash.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../core/errors.js';
import type { Role } from '../core/staff.js';
import type { StaffAuth } from '../staff/auth.js';
import { requireStaff } from './staff-guard.js';

const STYLE =
  'body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f3f4f6;margin:0}' +
  'main{max-width:32rem;margin:15vh auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 1px 3px rgba(0,0,0,.1)}' +
  'h1{font-size:20px;margin:0 0 12px}a{color:#c8102e}';
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function sendRefusal(reply: FastifyReply, what: string): FastifyReply {
  const body = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>没有权限 · 问政</title><style>${STYLE}</style></head>
<body><main data-testid="forbidden"><h1>没有权限</h1><p>${esc(what)}仅对维护人员和管理员开放，您的账号角色不能使用本页面。</p>
<p><a href="/console">返回坐席工作台</a></p></main></body></html>
`;
  return reply
    .status(403)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', CSP)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .send(body);
}

/**
 * True when the request carries a live session whose role is below `role`.
 * No session is not a refusal: the page shell shows its own login.
 */
export async function roleTooLow(auth: StaffAuth, role: Role, request: FastifyRequest): Promise<boolean> {
  try {
    await requireStaff(auth, role)(request);
    return false;
  } catch (e) {
    if (isAppError(e) && e.code === 'FORBIDDEN') return true;
    if (isAppError(e) && e.code === 'UNAUTHENTICATED') return false;
    throw e;
  }
}

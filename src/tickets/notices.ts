/**
 * What the citizen is told when staff move their ticket on. The wording is
 * behaviour (intents/dialogue.yaml, messages.ticket_*), with these defaults
 * for a dialogue file that does not have them yet.
 */
import type { TicketStatus } from '../core/tickets.js';

export const NOTICE_KEYS: Partial<Record<TicketStatus, string>> = {
  in_progress: 'ticket_in_progress',
  resolved: 'ticket_resolved',
  returned: 'ticket_returned',
};

const DEFAULTS: Record<string, string> = {
  ticket_in_progress: '您反映的问题（工单号 {reference}）已由{department}开始办理，办结后会告诉您结果。',
  ticket_resolved: '您反映的问题（工单号 {reference}）已办结。办理部门：{department}。办理结果：{result}',
  ticket_returned: '您反映的问题（工单号 {reference}）已退回，原因：{result}。如有疑问可回复“转人工”或拨打 12345。',
};

export function ticketNotice(
  messages: Readonly<Record<string, string>>,
  status: TicketStatus,
  vars: { reference: string; department: string; result: string },
): string | null {
  const key = NOTICE_KEYS[status];
  if (!key) return null;
  const template = messages[key] ?? DEFAULTS[key] ?? '';
  return template.replace(/\{(reference|department|result)\}/g, (_, k: keyof typeof vars) => vars[k]);
}

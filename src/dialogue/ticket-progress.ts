/**
 * 进度查询 for a ticket: its real status, the department handling it and,
 * once it is finished, the result (or why it was returned).
 */
import { departmentName } from '../tickets/department-names.js';
import type { Behaviour } from './definitions.js';

const KINDS: Record<string, string> = { complaint: '投诉', suggestion: '建议', callback: '回电登记', follow_up: '回访' };

export function describeTicket(b: Behaviour, reference: string, status: string, details: Record<string, string | null>): string {
  const head = `工单 ${reference}（${KINDS[details.kind ?? ''] ?? '工单'}）`;
  const department = details.department ? departmentName(b.departments, details.department) : null;
  switch (status) {
    case 'open':
      return department ? `${head}：已受理，已转交${department}办理。` : `${head}：已受理，正在分派承办部门。`;
    case 'in_progress':
      return `${head}：办理中，承办部门：${department ?? '正在确定'}。`;
    case 'resolved':
      return `${head}：已办结。${department ? `办理部门：${department}。` : ''}办理结果：${details.result ?? '（未填写）'}`;
    case 'returned':
      return `${head}：已退回。原因：${details.result ?? '（未填写）'}。如有疑问可回复“转人工”或拨打 12345。`;
    case 'closed':
      return `${head}：已关闭。`;
    default:
      return `${head}：${status}。`;
  }
}

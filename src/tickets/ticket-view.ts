/** How a ticket is shown to staff (docs/staff-api.md, TicketView). */
import type { Priority } from '../core/conversation.js';
import { FINISHED, NEXT_STATUSES, TICKET_STATUS_LABELS, type Ticket } from '../core/tickets.js';
import type { Departments } from '../dispatch/departments.js';
import { departmentName } from './department-names.js';

export const TICKET_KIND_LABELS: Record<string, string> = {
  complaint: '投诉',
  suggestion: '建议',
  callback: '回电',
  follow_up: '差评回访',
};

/** As the handoff console names them. */
export const PRIORITY_LABELS: Record<Priority, string> = { urgent: '紧急', high: '较高', normal: '普通' };

const maskId = (userId: string) => (userId.length <= 6 ? `${userId.slice(0, 1)}…` : `${userId.slice(0, 3)}…${userId.slice(-3)}`);

export const isOverdue = (t: Pick<Ticket, 'dueAt' | 'status'>, now: number) => t.dueAt !== null && t.dueAt < now && !FINISHED.has(t.status);

export function presentTicket(t: Ticket, departments: Departments, now: number) {
  const dept = (id: string | null) => (id === null ? null : { id, name: departmentName(departments, id) });
  return {
    reference: t.reference,
    kind: t.kind,
    kindLabel: TICKET_KIND_LABELS[t.kind] ?? t.kind,
    channel: t.channel,
    citizen: `${t.channel}:${maskId(t.userId)}`,
    description: t.description,
    status: t.status,
    statusLabel: TICKET_STATUS_LABELS[t.status],
    priority: t.priority,
    priorityLabel: PRIORITY_LABELS[t.priority],
    next: NEXT_STATUSES[t.status],
    department: dept(t.department),
    departmentBy: t.departmentBy,
    dispatch: {
      state: t.dispatchState,
      predicted: t.predicted ? dept(t.predicted.department) : null,
      score: t.predicted?.score ?? null,
      alternatives: (t.predicted?.alternatives ?? []).map((a) => ({
        id: a.department,
        name: departmentName(departments, a.department),
        score: a.score,
      })),
      modelVersion: t.predicted?.modelVersion ?? null,
    },
    dueAt: t.dueAt,
    overdue: isOverdue(t, now),
    result: t.result,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    resolvedAt: t.resolvedAt,
  };
}

export type TicketView = ReturnType<typeof presentTicket>;

/**
 * Ticket work in the report (issue 13): tickets filed in the range by the
 * department handling them now, how long each department took to a result
 * (median and 90th percentile, filing → 已办结), what is overdue, how many
 * urgent ones (emergencies filed out of office hours) are still open, and how
 * departments were decided — by the dispatch model and kept, corrected by
 * staff, dispatched by hand from 待分派, or still waiting there. Pure.
 */
import type { TicketFact } from '../core/analytics.js';
import { type DurationStats, durationStats } from './durations.js';

export interface DepartmentTickets {
  /** null: 待分派. */
  department: string | null;
  name: string;
  filed: number;
  /** Not yet resolved or returned. */
  open: number;
  resolved: number;
  returned: number;
  /** Open and past the due date at report time. */
  overdue: number;
  /** Resolved after the due date. */
  resolvedLate: number;
  timeToResult: DurationStats;
}

export interface TicketWork {
  filed: number;
  overdue: number;
  /** Urgent and not yet resolved or returned at report time. */
  urgentOpen: number;
  departments: DepartmentTickets[];
  dispatch: {
    /** The model's department, kept. */
    automatic: number;
    /** The model named a department and staff changed it. */
    corrected: number;
    /** The model named none (待分派, or it failed) and staff dispatched it by hand. */
    manual: number;
    /** Still without a department (待分派), or not yet looked at by the model. */
    unassigned: number;
    /** automatic ÷ (automatic + corrected): how often the model's department stood (null: none). */
    automaticShare: number | null;
    correctedShare: number | null;
  };
}

const FINISHED = new Set(['resolved', 'returned', 'closed']);

export function summariseTicketWork(facts: readonly TicketFact[], now: number, nameOf: (id: string | null) => string): TicketWork {
  const groups = new Map<string | null, TicketFact[]>();
  for (const t of facts) groups.set(t.department, [...(groups.get(t.department) ?? []), t]);
  const departments = [...groups.entries()]
    .map(([department, ts]): DepartmentTickets => {
      const resolved = ts.filter((t) => t.status === 'resolved');
      return {
        department,
        name: nameOf(department),
        filed: ts.length,
        open: ts.filter((t) => !FINISHED.has(t.status)).length,
        resolved: resolved.length,
        returned: ts.filter((t) => t.status === 'returned').length,
        overdue: ts.filter((t) => !FINISHED.has(t.status) && t.dueAt !== null && t.dueAt < now).length,
        resolvedLate: resolved.filter((t) => t.dueAt !== null && t.resolvedAt !== null && t.resolvedAt > t.dueAt).length,
        timeToResult: durationStats(resolved.flatMap((t) => (t.resolvedAt === null ? [] : [t.resolvedAt - t.createdAt]))),
      };
    })
    // Busiest first; 待分派 last, whatever its size, as it is no department.
    .sort((a, b) => (a.department === null ? 1 : b.department === null ? -1 : b.filed - a.filed || a.name.localeCompare(b.name)));
  const automatic = facts.filter((t) => t.departmentBy === 'model').length;
  const corrected = facts.filter((t) => t.departmentBy === 'staff' && t.predictedDepartment !== null).length;
  const manual = facts.filter((t) => t.departmentBy === 'staff' && t.predictedDepartment === null).length;
  const judged = automatic + corrected;
  return {
    filed: facts.length,
    overdue: departments.reduce((n, d) => n + d.overdue, 0),
    urgentOpen: facts.filter((t) => t.priority === 'urgent' && !FINISHED.has(t.status)).length,
    departments,
    dispatch: {
      automatic,
      corrected,
      manual,
      unassigned: facts.filter((t) => t.department === null).length,
      automaticShare: judged > 0 ? automatic / judged : null,
      correctedShare: judged > 0 ? corrected / judged : null,
    },
  };
}

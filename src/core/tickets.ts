/**
 * Ticket work (issue 13): which department handles a ticket, where it
 * stands, and its history. The store port is async, like the others, so a
 * PostgreSQL repository can replace the SQLite one.
 */
import type { Channel, Priority, TicketKind } from './conversation.js';
import type { DepartmentPrediction, DepartmentScore } from './dispatch.js';

/**
 * 已受理 → 办理中 → 已办结 (with a written result) or 退回 (with a reason).
 * `closed` is only found on tickets from before the lifecycle existed.
 */
export const TICKET_STATUSES = ['open', 'in_progress', 'resolved', 'returned', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_STATUS_LABELS: Record<TicketStatus, string> = {
  open: '已受理',
  in_progress: '办理中',
  resolved: '已办结',
  returned: '退回',
  closed: '已关闭',
};

/** What staff may move a ticket to from each status. Resolved is final; a returned ticket can be taken up again. */
export const NEXT_STATUSES: Record<TicketStatus, readonly TicketStatus[]> = {
  open: ['in_progress', 'resolved', 'returned'],
  in_progress: ['resolved', 'returned'],
  returned: ['in_progress'],
  resolved: [],
  closed: [],
};

/** Statuses that end the work: the ticket no longer counts as open or overdue. */
export const FINISHED: ReadonlySet<TicketStatus> = new Set(['resolved', 'returned', 'closed']);

export const TICKET_KINDS: readonly TicketKind[] = ['complaint', 'suggestion', 'callback', 'follow_up'];

export interface Ticket {
  reference: string;
  conversationId: string;
  kind: TicketKind;
  channel: Channel;
  userId: string;
  description: string;
  location: string | null;
  phone: string | null;
  status: TicketStatus;
  /** urgent: an emergency filed when nobody was on duty; the list shows it first. */
  priority: Priority;
  /** Who handles it now; null: the 待分派 queue. */
  department: string | null;
  /** Who set the department: the dispatch model, or staff. */
  departmentBy: 'model' | 'staff' | null;
  /** pending: the model has not looked at it yet; failed: it could not (the ticket waits in 待分派). */
  dispatchState: 'pending' | 'done' | 'failed';
  /** What the model said at filing, kept whatever staff did later. */
  predicted: { department: string | null; score: number; alternatives: DepartmentScore[]; modelVersion: string | null } | null;
  dueAt: number | null;
  /** The written result (已办结) or the reason it was returned (退回). */
  result: string | null;
  resolvedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type TicketEventType = 'dispatch' | 'department' | 'status' | 'note' | 'message';

export interface TicketEvent {
  id: number;
  at: number;
  type: TicketEventType;
  staffId: string | null;
  staffName: string | null;
  from: string | null;
  to: string | null;
  /** The reason, note, result, or the message text. */
  text: string | null;
  /** For a message to the citizen: whether it reached them. */
  delivery: 'sent' | 'pending' | 'held' | 'failed' | null;
}

export interface TicketFilter {
  /** Department ids; the empty string stands for 待分派 (no department). */
  departments?: readonly string[];
  statuses?: readonly TicketStatus[];
  kinds?: readonly TicketKind[];
  channels?: readonly Channel[];
  priorities?: readonly Priority[];
  /** Filed at or after / before (epoch ms). */
  createdFrom?: number;
  createdBefore?: number;
  /** Only tickets past their due date and not finished, as of this time. */
  overdueAt?: number;
  limit: number;
}

export interface TicketCounts {
  /** Unfinished tickets by department ('' = 待分派) and status. */
  open: Array<{ department: string; status: TicketStatus; count: number }>;
  /** Unfinished tickets past their due date, by department. */
  overdue: Array<{ department: string; count: number }>;
  /** Unfinished urgent tickets, by department. */
  urgent: Array<{ department: string; count: number }>;
}

export interface TicketStore {
  find(reference: string): Promise<Ticket | null>;
  /** Urgent first, then high, then normal; within each, newest first. */
  list(filter: TicketFilter): Promise<Ticket[]>;
  /** Tickets the dispatch model has not looked at, oldest first. */
  undispatched(limit: number): Promise<Ticket[]>;
  /**
   * Records the model's prediction (department null: 待分派, or a failure)
   * and the due date, once: false if the ticket was dispatched already.
   */
  recordDispatch(d: {
    reference: string;
    prediction: DepartmentPrediction | null;
    failed: boolean;
    dueAt: number;
    now: number;
  }): Promise<boolean>;
  /** A staff change of department, with its history row, in one transaction. */
  changeDepartment(c: {
    reference: string;
    from: string | null;
    to: string | null;
    staffId: string;
    reason: string;
    now: number;
  }): Promise<boolean>;
  /** A status change, with its history row; false if the ticket was no longer in `from` (someone else changed it). */
  changeStatus(c: {
    reference: string;
    from: TicketStatus;
    to: TicketStatus;
    staffId: string;
    text: string | null;
    now: number;
  }): Promise<boolean>;
  addEvent(e: {
    reference: string;
    type: TicketEventType;
    staffId: string | null;
    text: string | null;
    messageId?: number;
    now: number;
  }): Promise<void>;
  history(reference: string): Promise<TicketEvent[]>;
  /** A message to the citizen in the ticket's conversation (null when the citizen's data was deleted). */
  addCitizenMessage(t: Ticket, text: string, now: number): Promise<{ messageId: number; lastCitizenAt: number } | null>;
  counts(now: number): Promise<TicketCounts>;
  staffDepartments(staffId: string): Promise<string[]>;
  /**
   * staffDepartments for several staff members in one query (the live
   * updates ask for every connected agent at once): each id asked for is in
   * the map, with [] when they work none.
   */
  departmentsOfStaff(staffIds: readonly string[]): Promise<Map<string, string[]>>;
  setStaffDepartments(staffId: string, departments: readonly string[]): Promise<void>;
}

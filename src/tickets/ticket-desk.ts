/**
 * Staff work on tickets: the list, one ticket with its history, changing
 * its department (a correction the next dispatch model learns from) and its
 * status, notes. Who sees what is decided here, on the server:
 * maintainers and admins see every ticket; an agent who belongs to
 * departments sees only those departments' tickets; an agent who belongs
 * to none is on the hotline's own desk (派单) and sees the 待分派 queue.
 * Tickets out of someone's sight answer 404, as if they did not exist.
 * Every action is audited and announced on the consoles' live updates (the
 * same sight rule decides who hears of it); a status change is told to the
 * citizen on the channel they used (src/tickets/citizen-notice.ts).
 */
import type { Logger } from 'pino';
import type { DepartmentCorrections } from '../core/dispatch.js';
import { AppError } from '../core/errors.js';
import { roleAtLeast, type StaffStore, type StaffUser } from '../core/staff.js';
import {
  FINISHED,
  NEXT_STATUSES,
  TICKET_STATUS_LABELS,
  type Ticket,
  type TicketFilter,
  type TicketStatus,
  type TicketStore,
} from '../core/tickets.js';
import type { Departments } from '../dispatch/departments.js';
import { maskPersonalData } from '../privacy/mask.js';
import type { TicketChanged } from '../staff/events.js';
import type { CitizenNotice, NoticeDelivery } from './citizen-notice.js';
import { departmentName } from './department-names.js';
import { dispatchText } from './dispatcher.js';
import { presentTicket } from './ticket-view.js';

export interface TicketDeskOptions {
  tickets: TicketStore;
  staff: StaffStore;
  departments: Departments;
  corrections: () => DepartmentCorrections | null;
  notice: CitizenNotice;
  /** The consoles' live updates (StaffEvents). */
  events: { publish(e: TicketChanged): void };
  clock: () => Date;
  log: Logger;
}

/** Who a staff member may see: null = everything; else department ids, '' standing for 待分派. */
type Scope = readonly string[] | null;

/** The one sight rule, for reading, listing the outcome of a change, and live events alike. */
const sees = (scope: Scope, department: string | null) => scope === null || scope.includes(department ?? '');

const MAX_LIST = 500;
const DAY = 86_400_000;
/** How the list's filter names the 待分派 queue. */
export const UNASSIGNED = 'unassigned';

export class TicketDesk {
  constructor(private readonly o: TicketDeskOptions) {}

  private now(): number {
    return this.o.clock().getTime();
  }

  async scope(user: StaffUser): Promise<Scope> {
    return (await this.scopes([user]))[0] as Scope;
  }

  /** Each user's scope, in their order, with one query for all the agents among them (none for maintainers and admins). */
  private async scopes(users: readonly StaffUser[]): Promise<Scope[]> {
    const agents = users.filter((u) => !roleAtLeast(u.role, 'maintainer')).map((u) => u.id);
    const departments = agents.length > 0 ? await this.o.tickets.departmentsOfStaff([...new Set(agents)]) : new Map<string, string[]>();
    return users.map((u) => {
      if (roleAtLeast(u.role, 'maintainer')) return null;
      const mine = departments.get(u.id) ?? [];
      return mine.length > 0 ? mine : [''];
    });
  }

  /**
   * `departments` are ids, 'unassigned' for 待分派; ages are in days since
   * filing. Asking only for departments out of one's sight finds nothing.
   */
  async list(
    user: StaffUser,
    f: Pick<TicketFilter, 'statuses' | 'kinds' | 'channels' | 'priorities'> & {
      departments?: readonly string[];
      overdue?: boolean;
      minAgeDays?: number;
      maxAgeDays?: number;
      limit?: number;
    },
  ) {
    for (const d of f.departments ?? []) if (d !== UNASSIGNED) this.checkDepartment(d);
    const scope = await this.scope(user);
    const asked = f.departments && f.departments.length > 0 ? f.departments.map((d) => (d === UNASSIGNED ? '' : d)) : null;
    const departments = scope === null ? asked : asked ? asked.filter((d) => scope.includes(d)) : scope;
    const now = this.now();
    const rows =
      departments && departments.length === 0
        ? []
        : await this.o.tickets.list({
            statuses: f.statuses,
            kinds: f.kinds,
            channels: f.channels,
            priorities: f.priorities,
            departments: departments ?? undefined,
            overdueAt: f.overdue ? now : undefined,
            createdBefore: f.minAgeDays === undefined ? undefined : now - f.minAgeDays * DAY,
            createdFrom: f.maxAgeDays === undefined ? undefined : now - f.maxAgeDays * DAY,
            limit: Math.min(f.limit ?? 200, MAX_LIST),
          });
    return { tickets: rows.map((t) => presentTicket(t, this.o.departments, now)), serverTime: now };
  }

  /** An id that is not in departments.yaml is a clear 400 naming it. */
  checkDepartment(id: string): void {
    this.o.departments.require(id, 'department');
  }

  private async visible(user: StaffUser, reference: string): Promise<Ticket> {
    const t = await this.o.tickets.find(reference);
    const scope = await this.scope(user);
    if (!t || !sees(scope, t.department)) throw new AppError('NOT_FOUND', `No ticket ${reference}`);
    return t;
  }

  /**
   * Whose live stream carries a ticket event, for everyone connected at
   * once (one query per event, not one per console): those who can see the
   * ticket where it is now, or could where it was (a ticket that left their
   * list; one that entered another's). The event, or null, in `users`' order.
   */
  async liveEvents(users: readonly StaffUser[], e: TicketChanged): Promise<Array<TicketChanged | null>> {
    const scopes = await this.scopes(users);
    return scopes.map((scope) => (sees(scope, e.department) || (e.from !== undefined && sees(scope, e.from)) ? e : null));
  }

  private announce(user: StaffUser, reference: string, change: TicketChanged['change'], department: string | null, from?: string | null) {
    this.o.events.publish({
      type: 'ticket.changed',
      ticket: reference,
      change,
      department,
      ...(from === undefined ? {} : { from }),
      by: { id: user.id, name: user.name },
    });
  }

  async ticket(user: StaffUser, reference: string) {
    const t = await this.visible(user, reference);
    const history = await this.o.tickets.history(reference);
    const messages = (await this.o.staff.messages(t.conversationId)).map((m) => ({
      id: m.id,
      author: m.author,
      staffName: m.staffName,
      // A citizen's personal data is masked, as in the handoff view.
      text: m.author === 'citizen' && m.maskedText !== null ? m.maskedText : m.text,
      at: m.createdAt,
      delivery: m.delivery,
    }));
    return {
      ticket: { ...presentTicket(t, this.o.departments, this.now()), phone: t.phone, location: t.location },
      history: history.map((e) => ({
        ...e,
        fromName: e.type === 'department' || e.type === 'dispatch' ? departmentName(this.o.departments, e.from) : e.from,
        toName: e.type === 'department' || e.type === 'dispatch' ? departmentName(this.o.departments, e.to) : e.to,
      })),
      messages,
    };
  }

  /** One action: the new department (null: back to 待分派) and why. A named department is a training example for the dispatch model. */
  async changeDepartment(user: StaffUser, reference: string, to: string | null, reason: string) {
    if (to !== null) this.checkDepartment(to);
    if (!reason.trim()) throw new AppError('REASON_REQUIRED', '改派需要填写原因');
    const t = await this.visible(user, reference);
    if (t.department === to)
      throw new AppError('CONFLICT', `Ticket ${reference} is already with ${departmentName(this.o.departments, to)}`);
    const now = this.now();
    if (!(await this.o.tickets.changeDepartment({ reference, from: t.department, to, staffId: user.id, reason, now })))
      throw new AppError('CONFLICT', `Ticket ${reference} was changed meanwhile; reload it`);
    await this.o.staff.audit({
      staffId: user.id,
      action: 'ticket_department',
      target: reference,
      details: { from: t.department, to, reason },
      now,
    });
    this.announce(user, reference, 'department', to, t.department);
    const correctionRecorded = to !== null && (await this.correct(t, to, user, now));
    const scope = await this.scope(user);
    const updated = (await this.o.tickets.find(reference)) as Ticket;
    return {
      ticket: presentTicket(updated, this.o.departments, now),
      correctionRecorded,
      // An agent who passed the ticket to another department no longer sees it.
      visible: sees(scope, to),
    };
  }

  private async correct(t: Ticket, department: string, user: StaffUser, at: number): Promise<boolean> {
    const corrections = this.o.corrections();
    if (!corrections) return false;
    try {
      // Training data must not carry the citizen's phone or ID number.
      await corrections.record({ text: maskPersonalData(dispatchText(t)), department, by: user.name, at });
      return true;
    } catch (e) {
      // The change itself stands (and its history row holds the label); the next retrain lacks this one example.
      this.o.log.error({ err: e, ticket: t.reference }, 'department correction not recorded as training data');
      return false;
    }
  }

  /** 已办结 needs the written result, 退回 the reason; the citizen is told either way. */
  async changeStatus(user: StaffUser, reference: string, to: TicketStatus, text: string | null) {
    const t = await this.visible(user, reference);
    if (!NEXT_STATUSES[t.status].includes(to))
      throw new AppError('TICKET_TRANSITION', `A ticket ${TICKET_STATUS_LABELS[t.status]} cannot become ${TICKET_STATUS_LABELS[to]}`, {
        from: t.status,
        to,
        allowed: NEXT_STATUSES[t.status],
      });
    const written = text?.trim() || null;
    if (to === 'resolved' && !written) throw new AppError('REASON_REQUIRED', '办结需要填写办理结果');
    if (to === 'returned' && !written) throw new AppError('REASON_REQUIRED', '退回需要填写原因');
    const now = this.now();
    if (!(await this.o.tickets.changeStatus({ reference, from: t.status, to, staffId: user.id, text: written, now })))
      throw new AppError('CONFLICT', `Ticket ${reference} was changed meanwhile; reload it`);
    await this.o.staff.audit({ staffId: user.id, action: 'ticket_status', target: reference, details: { from: t.status, to }, now });
    const updated = (await this.o.tickets.find(reference)) as Ticket;
    let delivery: NoticeDelivery;
    try {
      delivery = await this.o.notice.statusChanged(updated, now);
    } finally {
      // After the notice, so a console that reloads the ticket finds the message in its history; the change stands even if the notice failed.
      this.announce(user, reference, 'status', t.department);
    }
    return { ...(await this.ticket(user, reference)), delivery, finished: FINISHED.has(to) };
  }

  async note(user: StaffUser, reference: string, text: string) {
    if (!text.trim()) throw new AppError('TEXT_REQUIRED');
    const t = await this.visible(user, reference);
    const now = this.now();
    await this.o.tickets.addEvent({ reference, type: 'note', staffId: user.id, text, now });
    await this.o.staff.audit({ staffId: user.id, action: 'ticket_note', target: reference, now });
    this.announce(user, reference, 'note', t.department);
    return this.ticket(user, reference);
  }

  async setStaffDepartments(admin: StaffUser, staffId: string, departments: readonly string[]) {
    for (const d of departments) this.checkDepartment(d);
    if (!(await this.o.staff.findUser(staffId))) throw new AppError('NOT_FOUND', `No staff member ${staffId}`);
    const unique = [...new Set(departments)];
    await this.o.tickets.setStaffDepartments(staffId, unique);
    await this.o.staff.audit({
      staffId: admin.id,
      action: 'user_departments',
      target: staffId,
      details: { departments: unique },
      now: this.now(),
    });
    return { id: staffId, departments: await this.o.tickets.staffDepartments(staffId) };
  }

  async meta(user: StaffUser) {
    return {
      departments: this.o.departments.list.map(({ id, name, handles, group }) => ({ id, name, handles, group })),
      mine: roleAtLeast(user.role, 'maintainer') ? null : await this.o.tickets.staffDepartments(user.id),
      statuses: Object.entries(TICKET_STATUS_LABELS).map(([id, label]) => ({ id, label, next: NEXT_STATUSES[id as TicketStatus] })),
    };
  }
}

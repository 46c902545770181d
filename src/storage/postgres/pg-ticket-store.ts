/**
 * PostgreSQL implementation of the ticket port: SqliteTicketStore's
 * statements in PostgreSQL's dialect. The list's optional filters are bound
 * as text arrays (NULL: no filter) so one prepared statement serves every
 * combination; the compare-and-set updates (WHERE status = the status staff
 * saw) are re-checked by PostgreSQL after the row lock, so two agents on two
 * instances cannot both move the same ticket.
 */
import type { Ticket, TicketCounts, TicketEvent, TicketFilter, TicketStore } from '../../core/tickets.js';
import { departmentsByStaff, deskTicketFromRow, type Row, ticketEventFromRow } from '../rows.js';
import { PRIORITY_ORDER } from '../turn-rules.js';
import { type PgDatabase, type Queryable, sql, text } from './pg-database.js';

const UNFINISHED = "status IN ('open', 'in_progress')";
const inList = (column: string, n: number) => `($${n}::text[] IS NULL OR ${column} = ANY($${n}::text[]))`;
const list = (a: readonly string[] | undefined) => (a && a.length > 0 ? [...a] : null);
const orNull = (s: string | null | undefined) => (s === null || s === undefined ? null : text(s));
// Department ids and references sort by their bytes, as SQLite sorts them.
const C = 'COLLATE "C"';

const Q = {
  find: sql('tk_find', 'SELECT * FROM tickets WHERE reference = $1'),
  list: sql(
    'tk_list',
    `SELECT * FROM tickets WHERE ${inList("COALESCE(department, '')", 1)} AND ${inList('status', 2)}
       AND ${inList('kind', 3)} AND ${inList('channel', 4)} AND ${inList('priority', 9)}
       AND ($5::bigint IS NULL OR created_at >= $5) AND ($6::bigint IS NULL OR created_at < $6)
       AND ($7::bigint IS NULL OR (due_at < $7 AND ${UNFINISHED}))
     ORDER BY ${PRIORITY_ORDER}, created_at DESC, reference ${C} DESC LIMIT $8`,
  ),
  undispatched: sql('tk_undispatched', "SELECT * FROM tickets WHERE dispatch_state = 'pending' ORDER BY created_at LIMIT $1"),
  dispatch: sql(
    'tk_dispatch',
    `UPDATE tickets SET dispatch_state = $2, department = $3::text, department_by = CASE WHEN $3::text IS NULL THEN NULL ELSE 'model' END,
       predicted_department = $3::text, predicted_score = $4, predicted_alternatives = $5, dispatch_model = $6,
       dispatched_at = $8, due_at = $7, updated_at = $8
     WHERE reference = $1 AND dispatch_state = 'pending'`,
  ),
  setDepartment: sql(
    'tk_set_department',
    `UPDATE tickets SET department = $3::text, department_by = CASE WHEN $3::text IS NULL THEN NULL ELSE 'staff' END, updated_at = $4
     WHERE reference = $1 AND department IS NOT DISTINCT FROM $2::text`,
  ),
  setStatus: sql(
    'tk_set_status',
    `UPDATE tickets SET status = $3::text, updated_at = $5,
       result = CASE WHEN $3::text IN ('resolved', 'returned') THEN $4 ELSE result END,
       resolved_at = CASE WHEN $3::text = 'resolved' THEN $5 ELSE resolved_at END
     WHERE reference = $1 AND status = $2`,
  ),
  event: sql(
    'tk_event',
    `INSERT INTO ticket_events (reference, at, staff_id, type, from_value, to_value, text, message_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  ),
  history: sql(
    'tk_history',
    `SELECT e.*, u.name AS staff_name, m.delivery FROM ticket_events e
       LEFT JOIN staff_users u ON u.id = e.staff_id LEFT JOIN messages m ON m.id = e.message_id
     WHERE e.reference = $1 ORDER BY e.id`,
  ),
  conversation: sql('tk_conversation', 'SELECT id, updated_at FROM conversations WHERE id = $1 AND channel = $2 AND user_id = $3'),
  lastCitizen: sql('tk_last_citizen', "SELECT MAX(created_at) AS at FROM messages WHERE conversation_id = $1 AND direction = 'in'"),
  insertMessage: sql(
    'tk_insert_message',
    `INSERT INTO messages (conversation_id, direction, text, author, delivery, created_at)
     VALUES ($1, 'out', $2, 'system', 'pending', $3) RETURNING id`,
  ),
  openCounts: sql(
    'tk_open_counts',
    `SELECT COALESCE(department, '') AS department, status, COUNT(*) AS count FROM tickets WHERE ${UNFINISHED}
     GROUP BY 1, 2 ORDER BY COALESCE(department, '') ${C}, status ${C}`,
  ),
  overdueCounts: sql(
    'tk_overdue_counts',
    `SELECT COALESCE(department, '') AS department, COUNT(*) AS count FROM tickets WHERE ${UNFINISHED} AND due_at < $1
     GROUP BY 1 ORDER BY COALESCE(department, '') ${C}`,
  ),
  urgentCounts: sql(
    'tk_urgent_counts',
    `SELECT COALESCE(department, '') AS department, COUNT(*) AS count FROM tickets WHERE ${UNFINISHED} AND priority = 'urgent'
     GROUP BY 1 ORDER BY COALESCE(department, '') ${C}`,
  ),
  staffDepartments: sql('tk_staff_departments', `SELECT department FROM staff_departments WHERE staff_id = $1 ORDER BY department ${C}`),
  departmentsOfStaff: sql(
    'tk_departments_of_staff',
    `SELECT staff_id, department FROM staff_departments WHERE staff_id = ANY($1::text[]) ORDER BY staff_id ${C}, department ${C}`,
  ),
  clearStaffDepartments: sql('tk_clear_staff_departments', 'DELETE FROM staff_departments WHERE staff_id = $1'),
  addStaffDepartments: sql(
    'tk_add_staff_departments',
    'INSERT INTO staff_departments (staff_id, department) SELECT $1, d FROM unnest($2::text[]) AS d ON CONFLICT DO NOTHING',
  ),
};

interface EventRow {
  reference: string;
  type: string;
  staffId: string | null;
  from?: string | null;
  to?: string | null;
  text: string | null;
  messageId?: number;
  now: number;
}

async function insertEvent(q: Queryable, e: EventRow): Promise<void> {
  await q.run(Q.event, [e.reference, e.now, e.staffId, e.type, orNull(e.from), orNull(e.to), orNull(e.text), e.messageId ?? null]);
}

export class PgTicketStore implements TicketStore {
  constructor(private readonly db: PgDatabase) {}

  async find(reference: string): Promise<Ticket | null> {
    const r = (await this.db.run<Row>(Q.find, [reference])).rows[0];
    return r ? deskTicketFromRow(r) : null;
  }

  async list(f: TicketFilter): Promise<Ticket[]> {
    const rows = await this.db.run<Row>(Q.list, [
      list(f.departments),
      list(f.statuses),
      list(f.kinds),
      list(f.channels),
      f.createdFrom ?? null,
      f.createdBefore ?? null,
      f.overdueAt ?? null,
      f.limit,
      list(f.priorities),
    ]);
    return rows.rows.map(deskTicketFromRow);
  }

  async undispatched(limit: number): Promise<Ticket[]> {
    return (await this.db.run<Row>(Q.undispatched, [limit])).rows.map(deskTicketFromRow);
  }

  async recordDispatch(d: Parameters<TicketStore['recordDispatch']>[0]): Promise<boolean> {
    const p = d.prediction;
    return this.db.transaction(async (tx) => {
      const changed = await tx.run(Q.dispatch, [
        d.reference,
        d.failed ? 'failed' : 'done',
        p?.department ?? null,
        p?.score ?? null,
        p ? JSON.stringify(p.alternatives) : null,
        p?.modelVersion ?? null,
        d.dueAt,
        d.now,
      ]);
      if (changed.rowCount === 0) return false;
      await insertEvent(tx, {
        reference: d.reference,
        type: 'dispatch',
        staffId: null,
        to: p?.department ?? null,
        text: d.failed ? 'failed' : null,
        now: d.now,
      });
      return true;
    });
  }

  async changeDepartment(c: Parameters<TicketStore['changeDepartment']>[0]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if ((await tx.run(Q.setDepartment, [c.reference, c.from, c.to, c.now])).rowCount === 0) return false;
      await insertEvent(tx, {
        reference: c.reference,
        type: 'department',
        staffId: c.staffId,
        from: c.from,
        to: c.to,
        text: c.reason,
        now: c.now,
      });
      return true;
    });
  }

  async changeStatus(c: Parameters<TicketStore['changeStatus']>[0]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if ((await tx.run(Q.setStatus, [c.reference, c.from, c.to, orNull(c.text), c.now])).rowCount === 0) return false;
      await insertEvent(tx, {
        reference: c.reference,
        type: 'status',
        staffId: c.staffId,
        from: c.from,
        to: c.to,
        text: c.text,
        now: c.now,
      });
      return true;
    });
  }

  async addEvent(e: Parameters<TicketStore['addEvent']>[0]): Promise<void> {
    await insertEvent(this.db, e);
  }

  async history(reference: string): Promise<TicketEvent[]> {
    return (await this.db.run<Row>(Q.history, [reference])).rows.map(ticketEventFromRow);
  }

  async addCitizenMessage(t: Ticket, message: string, now: number): Promise<{ messageId: number; lastCitizenAt: number } | null> {
    return this.db.transaction(async (tx) => {
      // Deleted at the citizen's request (or unsubscribed): the ticket stays, the person is gone.
      const c = (await tx.run<Row>(Q.conversation, [t.conversationId, t.channel, t.userId])).rows[0];
      if (!c) return null;
      const last = (await tx.run<{ at: number | null }>(Q.lastCitizen, [c.id])).rows[0]?.at ?? null;
      const inserted = await tx.run<{ id: number }>(Q.insertMessage, [c.id, text(message), now]);
      return { messageId: inserted.rows[0]?.id as number, lastCitizenAt: last ?? (c.updated_at as number) };
    });
  }

  async counts(now: number): Promise<TicketCounts> {
    return {
      open: (await this.db.run(Q.openCounts)).rows as TicketCounts['open'],
      overdue: (await this.db.run(Q.overdueCounts, [now])).rows as TicketCounts['overdue'],
      urgent: (await this.db.run(Q.urgentCounts)).rows as TicketCounts['urgent'],
    };
  }

  async staffDepartments(staffId: string): Promise<string[]> {
    return (await this.db.run<{ department: string }>(Q.staffDepartments, [staffId])).rows.map((r) => r.department);
  }

  async departmentsOfStaff(staffIds: readonly string[]): Promise<Map<string, string[]>> {
    return departmentsByStaff(staffIds, (await this.db.run(Q.departmentsOfStaff, [[...staffIds]])).rows);
  }

  async setStaffDepartments(staffId: string, departments: readonly string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(Q.clearStaffDepartments, [staffId]);
      await tx.run(Q.addStaffDepartments, [staffId, departments.map(text)]);
    });
  }
}

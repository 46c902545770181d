/**
 * SQLite implementation of the ticket port: dispatch, the lifecycle, the
 * history and the counts for /metrics. The list puts urgent tickets first
 * (the handoff queue's order, turn-rules.ts), then newest first. Statements are prepared once; the
 * list's optional filters are bound as JSON arrays (json_each) so one
 * statement serves every combination.
 */
import type { Ticket, TicketCounts, TicketEvent, TicketFilter, TicketStore } from '../../core/tickets.js';
import { departmentsByStaff, deskTicketFromRow, type Row, ticketEventFromRow } from '../rows.js';
import { PRIORITY_ORDER } from '../turn-rules.js';
import type { Db } from './sqlite.js';

const UNFINISHED = "status IN ('open', 'in_progress')";
const inList = (column: string, param: string) => `(@${param} IS NULL OR ${column} IN (SELECT value FROM json_each(@${param})))`;
const json = (a: readonly string[] | undefined) => (a && a.length > 0 ? JSON.stringify(a) : null);

export class SqliteTicketStore implements TicketStore {
  private readonly s;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      find: p('SELECT * FROM tickets WHERE reference = ?'),
      list: p(
        `SELECT * FROM tickets WHERE ${inList("COALESCE(department, '')", 'departments')} AND ${inList('status', 'statuses')}
           AND ${inList('kind', 'kinds')} AND ${inList('channel', 'channels')} AND ${inList('priority', 'priorities')}
           AND (@createdFrom IS NULL OR created_at >= @createdFrom) AND (@createdBefore IS NULL OR created_at < @createdBefore)
           AND (@overdueAt IS NULL OR (due_at < @overdueAt AND ${UNFINISHED}))
         ORDER BY ${PRIORITY_ORDER}, created_at DESC, reference DESC LIMIT @limit`,
      ),
      undispatched: p("SELECT * FROM tickets WHERE dispatch_state = 'pending' ORDER BY created_at LIMIT ?"),
      dispatch: p(
        `UPDATE tickets SET dispatch_state = @state, department = @department, department_by = CASE WHEN @department IS NULL THEN NULL ELSE 'model' END,
           predicted_department = @department, predicted_score = @score, predicted_alternatives = @alternatives, dispatch_model = @model,
           dispatched_at = @now, due_at = @dueAt, updated_at = @now
         WHERE reference = @reference AND dispatch_state = 'pending'`,
      ),
      setDepartment: p(
        `UPDATE tickets SET department = @to, department_by = CASE WHEN @to IS NULL THEN NULL ELSE 'staff' END, updated_at = @now
         WHERE reference = @reference AND department IS @from`,
      ),
      setStatus: p(
        `UPDATE tickets SET status = @to, updated_at = @now,
           result = CASE WHEN @to IN ('resolved', 'returned') THEN @text ELSE result END,
           resolved_at = CASE WHEN @to = 'resolved' THEN @now ELSE resolved_at END
         WHERE reference = @reference AND status = @from`,
      ),
      event: p(
        `INSERT INTO ticket_events (reference, at, staff_id, type, from_value, to_value, text, message_id)
         VALUES (@reference, @now, @staffId, @type, @from, @to, @text, @messageId)`,
      ),
      history: p(
        `SELECT e.*, u.name AS staff_name, m.delivery FROM ticket_events e
           LEFT JOIN staff_users u ON u.id = e.staff_id LEFT JOIN messages m ON m.id = e.message_id
         WHERE e.reference = ? ORDER BY e.id`,
      ),
      conversation: p('SELECT id, updated_at FROM conversations WHERE id = ? AND channel = ? AND user_id = ?'),
      lastCitizen: p("SELECT MAX(created_at) AS at FROM messages WHERE conversation_id = ? AND direction = 'in'"),
      insertMessage: p(
        `INSERT INTO messages (conversation_id, direction, text, author, delivery, created_at)
         VALUES (?, 'out', ?, 'system', 'pending', ?)`,
      ),
      openCounts: p(
        `SELECT COALESCE(department, '') AS department, status, COUNT(*) AS count FROM tickets WHERE ${UNFINISHED}
         GROUP BY 1, 2 ORDER BY 1, 2`,
      ),
      overdueCounts: p(
        `SELECT COALESCE(department, '') AS department, COUNT(*) AS count FROM tickets WHERE ${UNFINISHED} AND due_at < ?
         GROUP BY 1 ORDER BY 1`,
      ),
      urgentCounts: p(
        `SELECT COALESCE(department, '') AS department, COUNT(*) AS count FROM tickets WHERE ${UNFINISHED} AND priority = 'urgent'
         GROUP BY 1 ORDER BY 1`,
      ),
      staffDepartments: p('SELECT department FROM staff_departments WHERE staff_id = ? ORDER BY department'),
      departmentsOfStaff: p(
        'SELECT staff_id, department FROM staff_departments WHERE staff_id IN (SELECT value FROM json_each(?)) ORDER BY staff_id, department',
      ),
      clearStaffDepartments: p('DELETE FROM staff_departments WHERE staff_id = ?'),
      addStaffDepartment: p('INSERT INTO staff_departments (staff_id, department) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    };
  }

  async find(reference: string): Promise<Ticket | null> {
    const r = this.s.find.get(reference) as Row | undefined;
    return r ? deskTicketFromRow(r) : null;
  }

  async list(f: TicketFilter): Promise<Ticket[]> {
    const rows = this.s.list.all({
      departments: json(f.departments),
      statuses: json(f.statuses),
      kinds: json(f.kinds),
      channels: json(f.channels),
      priorities: json(f.priorities),
      createdFrom: f.createdFrom ?? null,
      createdBefore: f.createdBefore ?? null,
      overdueAt: f.overdueAt ?? null,
      limit: f.limit,
    }) as Row[];
    return rows.map(deskTicketFromRow);
  }

  async undispatched(limit: number): Promise<Ticket[]> {
    return (this.s.undispatched.all(limit) as Row[]).map(deskTicketFromRow);
  }

  async recordDispatch(d: Parameters<TicketStore['recordDispatch']>[0]): Promise<boolean> {
    const p = d.prediction;
    return this.db.transaction(() => {
      const changed = this.s.dispatch.run({
        reference: d.reference,
        state: d.failed ? 'failed' : 'done',
        department: p?.department ?? null,
        score: p?.score ?? null,
        alternatives: p ? JSON.stringify(p.alternatives) : null,
        model: p?.modelVersion ?? null,
        dueAt: d.dueAt,
        now: d.now,
      }).changes;
      if (changed === 0) return false;
      this.event({
        reference: d.reference,
        type: 'dispatch',
        staffId: null,
        to: p?.department ?? null,
        text: d.failed ? 'failed' : null,
        now: d.now,
      });
      return true;
    })();
  }

  async changeDepartment(c: Parameters<TicketStore['changeDepartment']>[0]): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.s.setDepartment.run({ reference: c.reference, from: c.from, to: c.to, now: c.now }).changes === 0) return false;
      this.event({ reference: c.reference, type: 'department', staffId: c.staffId, from: c.from, to: c.to, text: c.reason, now: c.now });
      return true;
    })();
  }

  async changeStatus(c: Parameters<TicketStore['changeStatus']>[0]): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.s.setStatus.run({ reference: c.reference, from: c.from, to: c.to, text: c.text, now: c.now }).changes === 0) return false;
      this.event({ reference: c.reference, type: 'status', staffId: c.staffId, from: c.from, to: c.to, text: c.text, now: c.now });
      return true;
    })();
  }

  async addEvent(e: Parameters<TicketStore['addEvent']>[0]): Promise<void> {
    this.event(e);
  }

  private event(e: {
    reference: string;
    type: string;
    staffId: string | null;
    from?: string | null;
    to?: string | null;
    text: string | null;
    messageId?: number;
    now: number;
  }): void {
    this.s.event.run({
      reference: e.reference,
      now: e.now,
      staffId: e.staffId,
      type: e.type,
      from: e.from ?? null,
      to: e.to ?? null,
      text: e.text,
      messageId: e.messageId ?? null,
    });
  }

  async history(reference: string): Promise<TicketEvent[]> {
    return (this.s.history.all(reference) as Row[]).map(ticketEventFromRow);
  }

  async addCitizenMessage(t: Ticket, text: string, now: number): Promise<{ messageId: number; lastCitizenAt: number } | null> {
    return this.db.transaction(() => {
      // Deleted at the citizen's request (or unsubscribed): the ticket stays, the person is gone.
      const c = this.s.conversation.get(t.conversationId, t.channel, t.userId) as Row | undefined;
      if (!c) return null;
      const last = (this.s.lastCitizen.get(c.id) as { at: number | null }).at;
      const messageId = Number(this.s.insertMessage.run(c.id, text, now).lastInsertRowid);
      return { messageId, lastCitizenAt: last ?? (c.updated_at as number) };
    })();
  }

  async counts(now: number): Promise<TicketCounts> {
    return {
      open: this.s.openCounts.all() as TicketCounts['open'],
      overdue: this.s.overdueCounts.all(now) as TicketCounts['overdue'],
      urgent: this.s.urgentCounts.all() as TicketCounts['urgent'],
    };
  }

  async staffDepartments(staffId: string): Promise<string[]> {
    return (this.s.staffDepartments.all(staffId) as Row[]).map((r) => r.department as string);
  }

  async departmentsOfStaff(staffIds: readonly string[]): Promise<Map<string, string[]>> {
    return departmentsByStaff(staffIds, this.s.departmentsOfStaff.all(JSON.stringify(staffIds)) as Row[]);
  }

  async setStaffDepartments(staffId: string, departments: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      this.s.clearStaffDepartments.run(staffId);
      for (const d of departments) this.s.addStaffDepartment.run(staffId, d);
    })();
  }
}

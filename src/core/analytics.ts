/**
 * The read side behind service analytics: facts about one time window,
 * grouped as far as the database groups cheaply (counts per day, hour,
 * channel, outcome, intent), plus the few lists the aggregation needs whole
 * (handoff timings, unanswered questions). Async like the other ports.
 * Every text here is masked (messages.masked_text), never the raw message.
 */

/** [fromMs, toMs) in epoch milliseconds. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/** A count of citizen messages in one Shanghai day (YYYY-MM-DD) and one other dimension. */
export interface DayCount {
  day: string;
  count: number;
}

export interface HandoffFact {
  reason: string;
  priority: 'urgent' | 'high' | 'normal';
  status: 'queued' | 'claimed' | 'closed' | 'callback';
  createdAt: number;
  firstResponseAt: number | null;
  closedAt: number | null;
  /** Closed by a staff member (not by the citizen leaving or the idle take-back). */
  closedByStaff: boolean;
}

/** A citizen question the assistant could not answer, or answered with low confidence. */
export interface UnansweredMessage {
  maskedText: string;
  intent: string | null;
  score: number | null;
  /** null: logged before outcomes were recorded (out of scope then). */
  outcome: string | null;
  at: number;
}

/** A ticket filed in the window, as the dashboard's ticket panel needs it (issue 13). */
export interface TicketFact {
  kind: string;
  status: string;
  /** Who handles it now; null: 待分派. */
  department: string | null;
  /** Who set the department: the dispatch model, or staff. */
  departmentBy: 'model' | 'staff' | null;
  /** What the dispatch model said at filing (null: below its threshold, failed, or not yet run). */
  predictedDepartment: string | null;
  dispatchState: 'pending' | 'done' | 'failed';
  priority: 'urgent' | 'high' | 'normal';
  createdAt: number;
  resolvedAt: number | null;
  dueAt: number | null;
}

export interface AnalyticsFacts {
  /** Citizen messages per Shanghai day, hour of the day, channel and outcome (null: logged before outcomes were recorded). */
  traffic: Array<DayCount & { hour: number; channel: string; outcome: string | null }>;
  /** Citizen messages per intent (null or None: not understood). */
  intents: Array<{ intent: string | null; count: number }>;
  /** Distinct citizens (conversations) who wrote in the window. */
  citizens: number;
  /** Handoffs created in the window. */
  handoffs: HandoffFact[];
  /** 好差评 given in the window, per day and level. */
  ratings: Array<DayCount & { level: number }>;
  /** Tickets created in the window, per kind (complaint, suggestion, callback, follow_up). */
  tickets: Record<string, number>;
  /** Tickets created in the window, one each (optional: facts from before ticket work). */
  ticketWork?: TicketFact[];
  /** Appointments made in the window, by their current status. */
  appointments: { booked: number; cancelled: number };
  /** Newest first, at most `unansweredLimit`. */
  unanswered: UnansweredMessage[];
  /** More matched than `unansweredLimit`. */
  unansweredTruncated: boolean;
}

/** Which citizen messages count as unanswered demand (see docs/analytics.md). */
export interface UnansweredCriteria {
  /** Answers given with a score below this count as unanswered (low confidence). */
  lowConfidence: number;
  /** Intents whose low-confidence answers are not demand (greetings, 是/不是 …). */
  conversational: readonly string[];
  unansweredLimit: number;
}

export interface AnalyticsQuery {
  facts(window: TimeWindow, o: UnansweredCriteria): Promise<AnalyticsFacts>;
}

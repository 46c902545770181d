/**
 * Rows to records, shared by the SQLite and PostgreSQL adapters: both keep
 * the same tables and column names, so one mapping serves both and the
 * ports return the same shapes whatever the database.
 */
import type { AnalyticsFacts, HandoffFact, TicketFact } from '../core/analytics.js';
import type { Channel, Conversation } from '../core/conversation.js';
import type { DepartmentScore } from '../core/dispatch.js';
import type { ModelMetrics, ModelVersionRecord } from '../core/model-registry.js';
import type { IntentScore } from '../core/parse.js';
import type { ReviewCandidate, ReviewReason, TopicTrace } from '../core/review.js';
import type { AuditEntry, StaffAccount, StaffUser, StoredMessage } from '../core/staff.js';
import type { AppointmentRecord, HandoffRecord, RatingRecord, TicketRecord } from '../core/stores.js';
import type { ProofCount } from '../core/ticket-proof.js';
import type { Ticket, TicketEvent, TicketStatus } from '../core/tickets.js';
import { maskPersonalData } from '../privacy/mask.js';

/** A database row, typed by the mapping that reads it. */
export type Row = Record<string, any>;

export function conversationFromRow(r: Row): Conversation {
  return { id: r.id, channel: r.channel, userId: r.user_id, state: JSON.parse(r.state), updatedAt: r.updated_at };
}

export function staffAccountFromRow(r: Row): StaffAccount {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    passwordHash: r.password_hash,
    disabled: r.disabled === 1,
  };
}

/** An account as the admin's list shows it. */
export function listedUserFromRow(r: Row): StaffUser & { disabled: boolean } {
  return { id: r.id, name: r.name, role: r.role, disabled: r.disabled === 1 };
}

export function auditEntryFromRow(r: Row): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    staffId: r.staff_id,
    staffName: r.staff_name ?? null,
    action: r.action,
    target: r.target,
    details: r.details ? JSON.parse(r.details) : null,
  };
}

export function handoffFromRow(r: Row): HandoffRecord {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    channel: r.channel,
    userId: r.user_id,
    reason: r.reason,
    priority: r.priority,
    summary: r.summary,
    status: r.status,
    claimedBy: r.claimed_by,
    claimedAt: r.claimed_at,
    firstResponseAt: r.first_response_at,
    lastCitizenAt: r.last_citizen_at,
    lastActivityAt: r.last_activity_at,
    closedAt: r.closed_at,
    resolution: r.resolution,
    callbackReference: r.callback_reference,
    createdAt: r.created_at,
  };
}

export function appointmentFromRow(r: Row): AppointmentRecord {
  return {
    reference: r.reference,
    channel: r.channel,
    userId: r.user_id,
    service: r.service,
    district: r.district,
    date: r.date,
    period: r.period,
    status: r.status,
    createdAt: r.created_at,
  };
}

export function ticketFromRow(r: Row): TicketRecord {
  return {
    reference: r.reference,
    kind: r.kind,
    channel: r.channel,
    userId: r.user_id,
    description: r.description,
    location: r.location,
    phone: r.phone,
    status: r.status,
    priority: r.priority,
    createdAt: r.created_at,
  };
}

/** A ticket as the ticket desk sees it (issue 13): dispatch, status and result. */
/** A ticket number's wrong phone-digit answers (ticket_proofs); none before the first. */
export const proofCountFromRow = (r: Row | undefined): ProofCount | undefined =>
  r ? { failures: r.failures, windowStart: r.window_start } : undefined;

export function deskTicketFromRow(r: Row): Ticket {
  return {
    reference: r.reference,
    conversationId: r.conversation_id,
    kind: r.kind,
    channel: r.channel as Channel,
    userId: r.user_id,
    description: r.description,
    location: r.location,
    phone: r.phone,
    status: r.status as TicketStatus,
    priority: r.priority,
    department: r.department,
    departmentBy: r.department_by,
    dispatchState: r.dispatch_state,
    predicted:
      r.dispatched_at === null || r.dispatch_state === 'failed'
        ? null
        : {
            department: r.predicted_department,
            score: r.predicted_score ?? 0,
            alternatives: r.predicted_alternatives ? (JSON.parse(r.predicted_alternatives) as DepartmentScore[]) : [],
            modelVersion: r.dispatch_model,
          },
    dueAt: r.due_at,
    result: r.result,
    resolvedAt: r.resolved_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A ticket_events row joined with the staff name and the message's delivery. */
export function ticketEventFromRow(r: Row): TicketEvent {
  return {
    id: r.id,
    at: r.at,
    type: r.type,
    staffId: r.staff_id,
    staffName: r.staff_name ?? null,
    from: r.from_value,
    to: r.to_value,
    text: r.text,
    delivery: r.message_id === null ? null : (r.delivery ?? null),
  };
}

/** (staff_id, department) rows, ordered by department, to each asked-for staff member's departments. */
export function departmentsByStaff(staffIds: readonly string[], rows: readonly Row[]): Map<string, string[]> {
  const map = new Map<string, string[]>(staffIds.map((id) => [id, []]));
  for (const r of rows) map.get(r.staff_id)?.push(r.department);
  return map;
}

export function ratingFromRow(r: Row): RatingRecord {
  return {
    handoffId: r.handoff_id,
    conversationId: r.conversation_id,
    level: r.level,
    comment: r.comment,
    followUpReference: r.follow_up_reference,
    createdAt: r.created_at,
  };
}

export function messageFromRow(r: Row): StoredMessage {
  return {
    id: r.id,
    direction: r.direction,
    author: r.author,
    staffId: r.staff_id,
    staffName: r.staff_name ?? null,
    text: r.text,
    maskedText: r.masked_text,
    intent: r.intent,
    score: r.score,
    outcome: r.outcome,
    trace: r.trace ? JSON.parse(r.trace) : null,
    delivery: r.delivery,
    deliveryError: r.delivery_error,
    createdAt: r.created_at,
  };
}

export function handoffFact(r: Row): HandoffFact {
  return {
    reason: r.reason,
    priority: r.priority,
    status: r.status,
    createdAt: r.created_at,
    firstResponseAt: r.first_response_at,
    closedAt: r.closed_at,
    closedByStaff: r.closed_by !== null,
  };
}

export function ticketFact(r: Row): TicketFact {
  return {
    kind: r.kind,
    status: r.status,
    department: r.department,
    departmentBy: r.department_by,
    predictedDepartment: r.predicted_department,
    dispatchState: r.dispatch_state,
    priority: r.priority,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    dueAt: r.due_at,
  };
}

/** The rows one analytics read returns, query by query, before they become facts. */
export interface AnalyticsRows {
  traffic: Row[];
  intents: Row[];
  citizens: number;
  handoffs: Row[];
  ratings: Row[];
  /** Tickets per kind: rows of (kind, count). */
  tickets: Row[];
  ticketWork: Row[];
  /** Appointments per status: rows of (status, count). */
  appointments: Row[];
  /** Newest first, one more than `unansweredLimit` (so truncation shows). */
  unanswered: Row[];
}

/** The facts of a report from the rows both analytics stores read alike. */
export function analyticsFacts(r: AnalyticsRows, unansweredLimit: number): AnalyticsFacts {
  const byKey = (rows: Row[], key: string) => Object.fromEntries(rows.map((x) => [x[key] as string, x.count as number]));
  const appointments = byKey(r.appointments, 'status');
  return {
    traffic: r.traffic as AnalyticsFacts['traffic'],
    intents: r.intents as AnalyticsFacts['intents'],
    citizens: r.citizens,
    handoffs: r.handoffs.map(handoffFact),
    ratings: r.ratings as AnalyticsFacts['ratings'],
    tickets: byKey(r.tickets, 'kind'),
    ticketWork: r.ticketWork.map(ticketFact),
    appointments: { booked: appointments.booked ?? 0, cancelled: appointments.cancelled ?? 0 },
    unanswered: r.unanswered.slice(0, unansweredLimit).map((x) => ({
      maskedText: x.masked_text,
      intent: x.intent,
      score: x.score,
      outcome: x.outcome,
      at: x.created_at,
    })),
    unansweredTruncated: r.unanswered.length > unansweredLimit,
  };
}

const NO_METRICS: ModelMetrics = { heldoutAccuracy: null, heldoutLines: 0, regressionAccuracy: null, regressionLines: 0 };

export function modelVersionFromRow(r: Row): ModelVersionRecord {
  let metrics = NO_METRICS;
  try {
    metrics = { ...NO_METRICS, ...(JSON.parse(r.metrics) as Partial<ModelMetrics>) };
  } catch {
    // A hand-edited row should not hide the version from model:list.
  }
  return {
    version: r.version,
    createdAt: r.created_at,
    corpusHash: r.corpus_hash,
    metrics,
    status: r.status,
    promotedAt: r.promoted_at,
    promotedBy: r.promoted_by,
    forceReason: r.force_reason,
  };
}

/** A review queue row (see the CANDIDATES queries): is_fallback and is_low are 0/1 in SQLite, booleans in PostgreSQL. */
export function reviewCandidateFromRow(r: Row): ReviewCandidate {
  const trace = parseTrace(r.trace);
  const reasons: ReviewReason[] = [];
  if (r.is_fallback) reasons.push('fallback');
  if (r.is_low) reasons.push('low_confidence');
  if (r.escalation !== null) reasons.push('escalated');
  if (r.rating !== null && r.rating <= 2) reasons.push('bad_rating');
  return {
    id: r.id,
    // Rows written before masking existed hold only the raw text: mask it on the way out.
    text: r.masked_text ?? maskPersonalData(r.text),
    intent: r.intent,
    score: r.score ?? 0,
    alternatives: trace.alternatives ?? [],
    modelVersion: r.model_version,
    outcome: r.outcome,
    reasons,
    escalation: r.escalation,
    rating: r.rating,
    at: r.created_at,
    topic: trace.topic ?? null,
  };
}

function parseTrace(json: string | null): { alternatives?: IntentScore[]; topic?: TopicTrace } {
  if (!json) return {};
  try {
    return JSON.parse(json) as { alternatives?: IntentScore[]; topic?: TopicTrace };
  } catch {
    return {};
  }
}

/**
 * What a turn's actions mean, apart from the SQL that stores them: shared by
 * the SQLite and PostgreSQL conversation stores so both answer alike.
 */
import type { ActionResult, Conversation, Priority, RatingLevel } from '../core/conversation.js';
import { countFailure, type ProofCount, proofLocked } from '../core/ticket-proof.js';
import type { Row } from './rows.js';

/** Queue order: urgent first, then high, then normal; within one, oldest first. */
export const PRIORITY_ORDER = "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END";

export const priorityRank = (p: Priority): number => (p === 'urgent' ? 0 : p === 'high' ? 1 : 2);

/**
 * A rough wait for the citizen: the recent average time to be claimed,
 * per place in the queue (3 minutes each before there is any history).
 */
export function expectedWaitMinutes(recentClaimWaitMs: number | null, position: number): number {
  const perPlace = recentClaimWaitMs && recentClaimWaitMs > 0 ? recentClaimWaitMs / 60_000 : 3;
  return Math.min(120, Math.max(1, Math.ceil(perPlace * Math.max(1, position))));
}

/** 不满意 or worse: someone must follow it up, so the rating becomes a ticket. */
export const needsFollowUp = (level: RatingLevel): boolean => level <= 2;

export const followUpDescription = (level: RatingLevel, comment: string | null, summary: string | undefined): string =>
  `好差评回访（${level === 1 ? '非常不满意' : '不满意'}）${comment ? `：${comment}` : ''}；原诉求：${summary ?? ''}`;

/**
 * Only the citizen's own records, on the channel they used: references are
 * sequential, so answering anyone would let a stranger enumerate other
 * people's appointments. Someone else's appointment reads as not found; a
 * ticket number from another session (another phone, a new browser) needs
 * the last 4 digits of the phone given on it (verifyResult), and whether
 * it exists is not said before that. A number locked by wrong answers
 * (`proof`, its count) is refused at once rather than asking for digits
 * that would not be looked at.
 */
export function lookupResult(
  reference: string,
  row: Row | undefined,
  c: Conversation,
  proof: ProofCount | undefined,
  now: number,
): ActionResult {
  if (!row || row.channel !== c.channel || row.user_id !== c.userId) {
    if (reference.startsWith('A')) return { type: 'reference_missing', reference };
    return proofLocked(proof, now) ? { type: 'reference_proof_locked', reference } : { type: 'reference_proof_needed', reference };
  }
  if (reference.startsWith('A'))
    return {
      type: 'reference_found',
      reference,
      kind: 'appointment',
      status: row.status as string,
      details: { service: row.service ?? null, district: row.district ?? null, date: row.date ?? null, period: row.period ?? null },
    };
  return ticketFound(reference, row);
}

const ticketFound = (reference: string, row: Row): ActionResult => ({
  type: 'reference_found',
  reference,
  kind: 'ticket',
  status: row.status as string,
  // department and result: where ticket work (issue 13) keeps them; null on a store without it.
  details: {
    kind: row.kind ?? null,
    created: String(row.created_at),
    department: row.department ?? null,
    result: row.result ?? null,
  },
});

/**
 * A ticket shown to whoever gives the last 4 digits of the phone on it; a
 * ticket without a phone never matches, and an unknown number fails like a
 * wrong answer. `proof` is the number's count of wrong answers from all
 * sessions, read so that no other turn can change it before this one
 * commits; `count` in the answer is what the store writes back (nothing
 * when it is unchanged). A right answer leaves the count as it is: whoever
 * gave it sees the ticket anyway, and a reset would hand someone guessing
 * at the number a fresh 10 each time its owner checked it from a new session.
 */
export function verifyResult(
  reference: string,
  row: Row | undefined,
  phoneTail: string,
  proof: ProofCount | undefined,
  now: number,
): { result: ActionResult; count?: ProofCount } {
  if (proofLocked(proof, now)) return { result: { type: 'reference_proof_locked', reference } };
  const phone = row?.phone ? String(row.phone) : '';
  if (row && phone.length >= 4 && phone.endsWith(phoneTail)) return { result: ticketFound(reference, row) };
  const count = countFailure(proof, now);
  return { result: { type: 'reference_unverified', reference, locked: proofLocked(count, now) }, count };
}

/** Only the citizen who booked an appointment may cancel it. */
export const ownsRecord = (row: Row | undefined, c: Conversation): boolean =>
  row !== undefined && row.user_id === c.userId && row.channel === c.channel;

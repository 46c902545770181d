/**
 * Looking up a ticket filed in another session (another phone, a new
 * browser): the citizen proves it is theirs with the last 4 digits of the
 * phone given on it. Nothing about the ticket — not even whether the number
 * exists — is said before that.
 *
 * 4 digits are 10,000 guesses, so answers are limited twice:
 * - per conversation, MAX_PROOF_ATTEMPTS answers per number (kept in the
 *   conversation state, so waiting out the idle expiry buys none);
 * - per ticket number, across every conversation and channel: after
 *   TICKET_PROOF_FAILURES wrong answers within TICKET_PROOF_WINDOW_MS
 *   (src/core/ticket-proof.ts) the number takes no answer at all, not even
 *   the right one, until the window has passed. A new browser is a new conversation, so the first limit
 *   alone would let anyone with a script try all 10,000. The count lives in
 *   the database (ticket_proofs), keyed by the number as asked, whether or
 *   not a ticket has it: an unknown number locks the same way, so the lock
 *   says nothing about which numbers exist. A failure is counted inside
 *   the turn's transaction, and no other turn proving the same number reads
 *   the count in between (SQLite has one writer; PostgreSQL a lock per
 *   number held until COMMIT), so instances answering at once compare no
 *   more answers than the limit allows.
 * Every wrong answer is logged (`reference.proof_failed`), and so is the
 * answer that locks a number (`reference.proof_locked`).
 *
 * The owner's own session is not affected: a ticket is shown to the
 * conversation that filed it without any proof (turn-rules.ts lookupResult).
 */
import type { ConversationState, FormState } from '../core/conversation.js';
import type { Parse } from '../core/parse.js';

/** The form that waits for the digits. */
export const PROOF_FORM = 'reference_proof';
/** Answers per ticket number per conversation. */
export const MAX_PROOF_ATTEMPTS = 3;
const TAIL = /(?<![0-9])([0-9]{4})(?![0-9])/;

/** "5678", "尾号5678", "后四位是 5678". */
export function readPhoneTail(parse: Parse): string | null {
  return TAIL.exec(parse.normalised)?.[1] ?? null;
}

export const attemptsLeft = (state: ConversationState, reference: string): number =>
  MAX_PROOF_ATTEMPTS - (state.proofAttempts?.[reference] ?? 0);

export const proofForm = (reference: string): FormState => ({
  intent: PROOF_FORM,
  slots: { reference },
  pending: 'phone_tail',
  attempts: {},
  confirming: false,
});

const ELSEWHERE = '登记时没有留手机号的工单，请拨打 12345 市民服务热线查询。';

export const askForProof = (reference: string) =>
  `编号 ${reference} 不是在本次对话中办理的。为保护个人信息，请回复该工单登记时所留手机号码的后 4 位，核对无误后为您显示进度。${ELSEWHERE}`;

export const proofFailed = (reference: string, left: number) =>
  `手机号后 4 位与编号 ${reference} 的登记信息不符（也可能编号有误）。还可以再试 ${left} 次，请回复后 4 位；${ELSEWHERE}`;

export const proofExhausted = (reference: string) =>
  `编号 ${reference} 的核对次数已用完，为保护个人信息不能再查询。请拨打 12345 市民服务热线，或带身份证件到受理的办事大厅查询。`;

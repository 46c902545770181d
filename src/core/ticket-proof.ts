/**
 * The lock on a ticket number that too many wrong phone digits earn, counted
 * across every conversation and channel (src/dialogue/reference-proof.ts
 * explains the proof). Pure: the stores keep the count (ticket_proofs) and
 * apply these rules inside a turn's transaction; the retention purge drops
 * lapsed counts.
 */

/**
 * Wrong answers for one ticket number, from all conversations together, that
 * lock it. A citizen who knows their phone needs one answer; 10 leaves room
 * for a mistyped digit in each of three sessions (3 answers each) and one
 * more. A guesser gets at most 10 in a window (at most 20 across the edge of
 * two): a 0.1% chance a day, about 500 days for an even chance, while each
 * failure is logged.
 */
export const TICKET_PROOF_FAILURES = 10;
/**
 * How long a ticket number's failures count, from the first of them. A day:
 * long enough that guessing is hopeless, short enough that a citizen locked
 * out by someone else's guesses (or their own typos) can try again tomorrow;
 * until then 12345 or the service hall can look the ticket up.
 */
export const TICKET_PROOF_WINDOW_MS = 24 * 3600_000;

/** Wrong answers for one ticket number since `windowStart` (epoch ms); 0 failures is no window yet. */
export interface ProofCount {
  failures: number;
  windowStart: number;
}

const windowOpen = (count: ProofCount | undefined, now: number): count is ProofCount =>
  count !== undefined && count.failures > 0 && count.windowStart > lapsedProofWindows(now);

/** The number takes no answer now: too many wrong ones from all sessions in the window. */
export const proofLocked = (count: ProofCount | undefined, now: number): boolean =>
  windowOpen(count, now) && count.failures >= TICKET_PROOF_FAILURES;

/** Counts whose window began at or before this have lapsed: they lock nothing, and the retention purge drops them. */
export const lapsedProofWindows = (now: number): number => now - TICKET_PROOF_WINDOW_MS;

/** The count after one more wrong answer at `now`: counted in the open window, or the first of a new one. */
export const countFailure = (count: ProofCount | undefined, now: number): ProofCount =>
  windowOpen(count, now) ? { failures: count.failures + 1, windowStart: count.windowStart } : { failures: 1, windowStart: now };

/** PIPL duties on stored data: a person's data on request, forgetting a person, and retention. */
import type { Channel } from './conversation.js';
import { LOGIN_FAILURES_KEPT_MS } from './staff.js';
import { lapsedProofWindows } from './ticket-proof.js';

export interface CitizenDataExport {
  channel: Channel;
  userId: string;
  exportedAt: string;
  conversations: unknown[];
  messages: unknown[];
  appointments: unknown[];
  tickets: unknown[];
  handoffs: unknown[];
  ratings: unknown[];
}

/** What the retention purge erased: text older than RETENTION_DAYS. */
export interface RetentionCounts {
  messages: number;
  notes: number;
  ratingComments: number;
  handoffSummaries: number;
  conversations: number;
}

/** Records past their use, dropped whatever RETENTION_DAYS says. */
export interface ExpiryCounts {
  deliveries: number;
  sessions: number;
  /** Ticket numbers' counts of wrong phone-digit answers whose window has passed (src/dialogue/reference-proof.ts). */
  proofCounts: number;
  /** Failed-login counts that no longer pause or count (src/staff/login-throttle.ts). */
  loginFailures: number;
}

/** Delivery records only answer WeChat's retries (seconds to minutes); two days is ample. */
const DELIVERY_KEEP_MS = 2 * 86_400_000;

/** Up to when (epoch ms, exclusive unless said) each kind of record is past its use at `now`; the stores delete by these. */
export const expiryCutoffs = (now: number) => ({
  /** deliveries created before this */
  deliveries: now - DELIVERY_KEEP_MS,
  /** sessions expiring at or before this */
  sessions: now,
  /** proof counts whose window began at or before this */
  proofCounts: lapsedProofWindows(now),
  /** login failures with no pause after `now` and the last failure before this */
  loginFailures: now - LOGIN_FAILURES_KEPT_MS,
});

export interface PrivacyStore {
  exportCitizen(channel: Channel, userId: string, now: number): Promise<CitizenDataExport>;
  /**
   * Deletes the person's conversations and messages; the government's
   * records (appointments, tickets, handoffs) stay but lose the link to the
   * person, the phone and location, and have personal data masked in their text.
   */
  forgetCitizen(channel: Channel, userId: string, now: number): Promise<{ conversations: number; messages: number; anonymised: number }>;
  /** Erases conversation text older than `before` (metadata for analytics stays) and resets idle conversation state to `idleState`. */
  purge(before: number, idleState: string): Promise<RetentionCounts>;
  /** Drops records past their use at `now`: retry records, ended sessions, lapsed proof and login-failure counts. */
  purgeExpired(now: number): Promise<ExpiryCounts>;
}

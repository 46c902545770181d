/** PIPL duties on stored data: a person's data on request, forgetting a person, and retention. */
import type { Channel } from './conversation.js';

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

export interface PurgeCounts {
  messages: number;
  notes: number;
  ratingComments: number;
  handoffSummaries: number;
  conversations: number;
  deliveries: number;
  sessions: number;
  /** Ticket numbers' counts of wrong phone-digit answers whose window has passed (src/dialogue/reference-proof.ts). */
  proofCounts: number;
}

export interface PrivacyStore {
  exportCitizen(channel: Channel, userId: string, now: number): Promise<CitizenDataExport>;
  /**
   * Deletes the person's conversations and messages; the government's
   * records (appointments, tickets, handoffs) stay but lose the link to the
   * person, the phone and location, and have personal data masked in their text.
   */
  forgetCitizen(channel: Channel, userId: string, now: number): Promise<{ conversations: number; messages: number; anonymised: number }>;
  /** Erases conversation text older than `before` (metadata for analytics stays); drops retry records, sessions and proof counts past use. */
  purge(before: number, now: number, idleState: string): Promise<PurgeCounts>;
}

/** The analytics use case: one read of the database for a range, summarised. */
import type { AnalyticsQuery } from '../core/analytics.js';
import { CONVERSATIONAL_INTENTS } from './labels.js';
import type { DateRange } from './range.js';
import { type ServiceAnalytics, summarise } from './summarise.js';

/**
 * Unanswered messages read for grouping, newest first. 20,000 short texts
 * group in well under a second; past that the report says it is partial.
 */
export const UNANSWERED_LIMIT = 20_000;

/**
 * `lowConfidence`: an answer with a lower score counts as unanswered demand
 * — REVIEW_LOW_CONFIDENCE, the review queue's threshold, so a question the
 * dashboard calls unanswered is one a maintainer finds in the review queue.
 */
export async function serviceAnalytics(
  query: AnalyticsQuery,
  range: DateRange,
  now: Date,
  o: { lowConfidence: number; departmentName?: (id: string | null) => string },
): Promise<ServiceAnalytics> {
  const facts = await query.facts(range, {
    lowConfidence: o.lowConfidence,
    conversational: CONVERSATIONAL_INTENTS,
    unansweredLimit: UNANSWERED_LIMIT,
  });
  return summarise(facts, range, now.getTime(), o.lowConfidence, o.departmentName);
}

/** The analytics use case: one read of the database for a range, summarised. */
import type { AnalyticsQuery } from '../core/analytics.js';
import { CONVERSATIONAL_INTENTS } from './labels.js';
import type { DateRange } from './range.js';
import { type ServiceAnalytics, summarise } from './summarise.js';

/**
 * An answer given with a score below this counts as unanswered demand. The
 * engine itself offers a guess ("您是想问…吗？") only from 0.5 up, so below
 * it the assistant is answering on a weaker bet than it would guess on.
 */
export const LOW_CONFIDENCE = 0.5;

/**
 * Unanswered messages read for grouping, newest first. 20,000 short texts
 * group in well under a second; past that the report says it is partial.
 */
export const UNANSWERED_LIMIT = 20_000;

export async function serviceAnalytics(query: AnalyticsQuery, range: DateRange, now: Date): Promise<ServiceAnalytics> {
  const facts = await query.facts(range, {
    lowConfidence: LOW_CONFIDENCE,
    conversational: CONVERSATIONAL_INTENTS,
    unansweredLimit: UNANSWERED_LIMIT,
  });
  return summarise(facts, range, now.getTime());
}

/**
 * What became of citizen messages, in four categories officials can read,
 * from the outcome the dialogue engine records on each message
 * (StepResult['outcome']). Definitions are in docs/analytics.md.
 */

export type OutcomeCategory = 'assistant' | 'escalated' | 'fallback' | 'staff' | 'other';

const CATEGORY_OF: Record<string, OutcomeCategory> = {
  // The assistant dealt with it: an answer, a step of a form, a finished action, a cancellation.
  answer: 'assistant',
  slot_prompt: 'assistant',
  confirm: 'assistant',
  action: 'assistant',
  cancelled: 'assistant',
  // Went to a person: a queued handoff, or (out of office hours) a callback request.
  escalation: 'escalated',
  callback: 'escalated',
  // Not understood: out of scope or below the model's threshold.
  fallback: 'fallback',
  // Written while a person had the conversation, or the 好差评 answer afterwards.
  handoff_forwarded: 'staff',
  rated: 'staff',
};

export const outcomeCategory = (outcome: string | null): OutcomeCategory => (outcome ? (CATEGORY_OF[outcome] ?? 'other') : 'other');

export const OUTCOME_CATEGORIES: ReadonlyArray<{ id: OutcomeCategory; label: string; color: string }> = [
  { id: 'assistant', label: '智能解答', color: '#2f855a' },
  { id: 'escalated', label: '转人工/回电', color: '#dd6b20' },
  { id: 'fallback', label: '未能理解', color: '#c53030' },
  { id: 'staff', label: '人工会话中', color: '#3182ce' },
  { id: 'other', label: '未记录', color: '#a0aec0' },
];

export const categoryLabel = (id: OutcomeCategory): string => OUTCOME_CATEGORIES.find((c) => c.id === id)?.label ?? id;

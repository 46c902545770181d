/** The vocabulary of human handoff, shared by the dialogue, the console and reports. */

/** Why a conversation went to a person: stable codes (stored) and their 中文 labels (shown). */
export const REASON_LABELS: Record<string, string> = {
  asked_for_human: '市民要求转人工',
  misunderstood: '多次未理解',
  slot_failed: '信息填写受阻',
  emergency: '紧急情况',
  anger: '情绪激动/不文明用语',
  repeated_question: '重复提问',
  staff_only: '需人工办理的事项',
};

export const reasonLabel = (code: string): string => REASON_LABELS[code] ?? code;

/** How staff close a handoff (the resolution category). */
export const RESOLUTIONS: ReadonlyArray<{ id: string; label: string }> = [
  { id: 'answered', label: '已解答' },
  { id: 'handled', label: '已办理' },
  { id: 'referred', label: '已转交相关部门' },
  { id: 'ticket', label: '已登记工单' },
  { id: 'no_response', label: '市民未回复' },
  { id: 'invalid', label: '无效咨询' },
];

/** Closures made by the system rather than staff. */
export const SYSTEM_RESOLUTIONS = { citizenLeft: 'citizen_left', idle: 'idle_timeout' } as const;

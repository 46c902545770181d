/**
 * Which service intents answer which aspects (`npm run lint:intents`): the
 * gaps are not errors — the default answer covers them — but each one is a
 * follow-up the assistant can only half answer.
 */
import { ANSWERED_ASPECTS } from '../core/aspects.js';
import type { Behaviour } from './definitions.js';

export interface AspectGap {
  intent: string;
  file: string;
  line: number;
  missing: string[];
}

/** Service intents (those with a `topic`) lacking answers for some aspects, most missing first. */
export function aspectGaps(b: Behaviour): AspectGap[] {
  const gaps: AspectGap[] = [];
  for (const def of b.intents.values()) {
    if (!def.topic) continue;
    const missing = ANSWERED_ASPECTS.filter((a) => !def.aspects?.[a]);
    if (missing.length > 0) gaps.push({ intent: def.id, file: def.file, line: def.line, missing });
  }
  return gaps.sort((x, y) => y.missing.length - x.missing.length || x.intent.localeCompare(y.intent));
}

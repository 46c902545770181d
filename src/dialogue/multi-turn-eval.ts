/**
 * Evaluation on multi-turn conversations (issue 14): each conversation runs
 * through the real dialogue engine on the model's parses, turn by turn, and
 * every turn's topic and aspect (StepResult.topic) is compared with the
 * labels. Reported separately from single-message accuracy:
 *   topic-carry accuracy  follow_up turns read on the right topic AND aspect
 *                         (and each alone)
 *   wrong-hold rate       switch turns taken to be about the previous topic
 *   asked back            no_topic turns answered by asking which matter
 */
import { readFileSync } from 'node:fs';
import { type Aspect, isAspect } from '../core/aspects.js';
import { type Action, type ActionResult, type ConversationState, initialState } from '../core/conversation.js';
import { AppError } from '../core/errors.js';
import { OUT_OF_SCOPE, type Parse } from '../core/parse.js';
import type { DialogueEngine } from './engine.js';
import type { TopicUse } from './follow-up.js';

export const TURN_ROLES = ['opening', 'follow_up', 'switch', 'no_topic'] as const;
export type TurnRole = (typeof TURN_ROLES)[number];

export interface LabelledTurn {
  text: string;
  role: TurnRole;
  topic: string | null;
  aspect: Aspect | null;
}

export interface MultiTurnConversation {
  id: string;
  kind: string;
  turns: LabelledTurn[];
}

export function parseMultiTurnJsonl(source: string, file: string): MultiTurnConversation[] {
  const out: MultiTurnConversation[] = [];
  source.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file}:${i + 1}`;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new AppError('DATA_INVALID', `${where}: not valid JSON`);
    }
    if (!Array.isArray(row.turns) || row.turns.length === 0) throw new AppError('DATA_INVALID', `${where}: expected "turns": [...]`);
    const turns = (row.turns as Array<Record<string, unknown>>).map((t, k) => {
      const role = t.role as TurnRole;
      if (typeof t.text !== 'string' || !t.text.trim()) throw new AppError('DATA_INVALID', `${where}: turn ${k + 1} has no text`);
      if (!TURN_ROLES.includes(role)) throw new AppError('DATA_INVALID', `${where}: turn ${k + 1} has role "${String(t.role)}"`);
      const aspect = t.aspect ?? null;
      if (aspect !== null && !isAspect(aspect as string))
        throw new AppError('DATA_INVALID', `${where}: turn ${k + 1} has aspect "${String(aspect)}"`);
      const topic = typeof t.topic === 'string' && t.topic ? t.topic : null;
      return { text: t.text, role, topic, aspect: aspect as Aspect | null };
    });
    out.push({ id: String(row.id ?? `line-${i + 1}`), kind: String(row.kind ?? ''), turns });
  });
  return out;
}

export function readMultiTurnFile(file: string): MultiTurnConversation[] {
  return parseMultiTurnJsonl(readFileSync(file, 'utf8'), file);
}

export interface Ratio {
  right: number;
  n: number;
}

export interface MultiTurnReport {
  conversations: number;
  turns: number;
  followUps: { topicAndAspect: Ratio; topic: Ratio; aspect: Ratio };
  switches: { wrongHolds: Ratio; newTopicRight: Ratio };
  noTopic: { askedBack: Ratio };
  openings: { topic: Ratio };
  misses: Array<{ id: string; turn: number; role: TurnRole; text: string; expected: string; got: string }>;
}

/** Invented results for the actions a turn asks for, so that forms end as they would. */
function pretend(actions: readonly Action[]): ActionResult[] {
  return actions.map((a, i): ActionResult => {
    switch (a.type) {
      case 'create_appointment':
        return { type: 'appointment_created', reference: `A20261125-90${i}` };
      case 'create_ticket':
        return { type: 'ticket_created', reference: `T20261125-90${i}`, kind: a.kind };
      case 'cancel_appointment':
        return { type: 'appointment_cancelled', reference: a.reference, found: true, alreadyCancelled: false };
      case 'lookup_reference':
        return { type: 'reference_missing', reference: a.reference };
      case 'request_handoff':
        return { type: 'handoff_requested', id: `h${i}`, reason: a.reason, priority: a.priority, queuePosition: 1, expectedWaitMinutes: 1 };
      case 'forward_to_staff':
        return { type: 'forwarded', handoffId: a.handoffId, open: true, claimed: false, queuePosition: 1, expectedWaitMinutes: 1 };
      case 'leave_handoff':
        return { type: 'handoff_left', handoffId: a.handoffId };
      case 'record_rating':
        return { type: 'rating_recorded', handoffId: a.handoffId, level: a.level, followUpReference: null, duplicate: false };
      default:
        return { type: 'reference_missing', reference: '' };
    }
  });
}

const ratio = (): Ratio => ({ right: 0, n: 0 });
const count = (r: Ratio, ok: boolean) => {
  r.n++;
  if (ok) r.right++;
};
const show = (topic: string | null, aspect: string | null) => `${topic ?? '-'}/${aspect ?? '-'}`;

export function evaluateMultiTurn(
  parse: (text: string, now: Date) => Parse,
  engine: DialogueEngine,
  conversations: readonly MultiTurnConversation[],
  now = new Date('2026-11-25T10:00:00+08:00'),
): MultiTurnReport {
  const report: MultiTurnReport = {
    conversations: conversations.length,
    turns: 0,
    followUps: { topicAndAspect: ratio(), topic: ratio(), aspect: ratio() },
    switches: { wrongHolds: ratio(), newTopicRight: ratio() },
    noTopic: { askedBack: ratio() },
    openings: { topic: ratio() },
    misses: [],
  };
  for (const c of conversations) {
    let state: ConversationState = initialState();
    let previous: string | null = null;
    c.turns.forEach((turn, k) => {
      report.turns++;
      const step = engine.step(state, parse(turn.text, now), now, k === 0 ? null : 60_000);
      state = engine.complete(step, pretend(step.actions)).state;
      const use: TopicUse = step.topic ?? { topic: null, aspect: null, via: 'none' };
      const got = use.topic === OUT_OF_SCOPE ? null : use.topic;
      const miss = (expected: string) =>
        report.misses.push({
          id: c.id,
          turn: k + 1,
          role: turn.role,
          text: turn.text,
          expected,
          got: `${show(got, use.aspect)} (${use.via})`,
        });
      if (turn.role === 'follow_up') {
        const topicOk = got === turn.topic;
        const aspectOk = use.aspect === turn.aspect;
        count(report.followUps.topic, topicOk);
        count(report.followUps.aspect, aspectOk);
        count(report.followUps.topicAndAspect, topicOk && aspectOk);
        if (!(topicOk && aspectOk)) miss(show(turn.topic, turn.aspect));
      } else if (turn.role === 'switch') {
        const held = previous !== null && got === previous && turn.topic !== previous;
        count(report.switches.wrongHolds, held);
        count(report.switches.newTopicRight, got === turn.topic);
        if (held || got !== turn.topic) miss(show(turn.topic, turn.aspect));
      } else if (turn.role === 'no_topic') {
        const asked = use.via === 'ask_topic';
        count(report.noTopic.askedBack, asked);
        if (!asked) miss('ask which matter');
      } else {
        count(report.openings.topic, got === turn.topic);
      }
      previous = turn.topic ?? previous;
    });
  }
  return report;
}

const pct = (r: Ratio) => (r.n === 0 ? '   -  ' : `${((100 * r.right) / r.n).toFixed(1).padStart(5)}%`);

export function formatMultiTurnReport(r: MultiTurnReport, options: { misses?: boolean } = {}): string {
  const row = (name: string, x: Ratio) => `${name.padEnd(44)} ${pct(x)}  (${x.right}/${x.n})`;
  const lines = [
    `${r.conversations} conversations, ${r.turns} turns`,
    '',
    row('follow-ups: right topic and aspect', r.followUps.topicAndAspect),
    row('follow-ups: right topic', r.followUps.topic),
    row('follow-ups: right aspect', r.followUps.aspect),
    row('switches wrongly held to the previous topic', r.switches.wrongHolds),
    row('switches: new topic right', r.switches.newTopicRight),
    row('no-topic follow-ups asked back', r.noTopic.askedBack),
    row('openings: topic right (single message)', r.openings.topic),
  ];
  if (options.misses && r.misses.length > 0) {
    lines.push('', 'misses (expected → got):');
    for (const m of r.misses) lines.push(`  ${m.id}#${m.turn} ${m.role.padEnd(9)} ${m.text}  ${m.expected} → ${m.got}`);
  }
  return lines.join('\n');
}

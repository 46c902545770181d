/**
 * What a conversation remembers it is about, after each turn (issue 14).
 * An answer about a service makes that service the topic; a follow-up keeps
 * it; a new clear question replaces it; a booking or a ticket becomes the
 * topic (its number is added once the action has run, in results.ts); a
 * farewell, a cancel or a handoff clears it, and so does a long silence (the
 * conversation's expiry resets the whole state, and a topic older than the
 * expiry is not used). Pure.
 */
import type { ConversationState, TopicMemory } from '../core/conversation.js';
import { OUT_OF_SCOPE, type Parse } from '../core/parse.js';
import type { Behaviour } from './definitions.js';
import type { TopicUse } from './follow-up.js';
import { isExplicitCancel } from './intents-text.js';

/** The topic after a turn, given the state it left and how its topic was decided. */
export function nextTopic(
  b: Behaviour,
  prior: TopicMemory | null,
  parse: Parse,
  after: { state: ConversationState; outcome: string; actions: ReadonlyArray<{ type: string } & Record<string, unknown>> },
  use: TopicUse,
  now: Date,
): TopicMemory | null {
  const at = now.getTime();
  if (after.state.status === 'handoff' || after.outcome === 'escalation') return null;
  if (parse.intent === 'goodbye' || parse.intent === 'cancel' || isExplicitCancel(parse)) return null;
  for (const a of after.actions) {
    if (a.type === 'create_appointment') {
      return { intent: 'appointment', at, service: String(a.service), district: String(a.district) };
    }
    if (a.type === 'create_ticket' && (a.kind === 'complaint' || a.kind === 'suggestion')) return { intent: String(a.kind), at };
  }
  if (use.via === 'follow_up' && use.topic) {
    // Inside an appointment form the service is the topic until the booking is made.
    return prior?.intent === use.topic || prior?.intent === 'appointment'
      ? { ...prior, at, aspect: use.aspect }
      : { intent: use.topic, at, aspect: use.aspect };
  }
  if (use.via === 'ask_aspect') return prior ? { ...prior, at } : null;
  if (use.via === 'ask_topic') return null;
  if (use.via === 'message' && use.topic && b.intents.get(use.topic)?.topic) {
    return prior?.intent === use.topic ? { ...prior, at, aspect: use.aspect } : { intent: use.topic, at, aspect: use.aspect };
  }
  // Chat, a misunderstanding, a form turn: the topic stays as it was.
  return prior;
}

/** How a turn routed the ordinary way used topics: its own intent, when it names a matter. */
export function messageTopicUse(b: Behaviour, parse: Parse, state: ConversationState, outcome: string): TopicUse {
  const aspect = parse.aspect?.aspect ?? null;
  if (outcome === 'fallback') return { topic: null, aspect, via: 'none' };
  // Inside a form a message the model places elsewhere was answered in
  // passing (a digression); one it does not place was the form's content.
  const own = parse.intent !== OUT_OF_SCOPE && b.intents.has(parse.intent) ? parse.intent : null;
  return { topic: own ?? state.form?.intent ?? null, aspect, via: 'message' };
}

/**
 * One citizen message through understanding → dialogue → storage.
 * Messages from the same user are processed strictly one at a time, in
 * arrival order (a per-user promise chain); different users run freely.
 * With several instances, each turn also holds the citizen's fleet lock from
 * loading the conversation to after its commit, so consecutive messages
 * landing on different instances still run one at a time, in order.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  type Channel,
  type Conversation,
  type ConversationState,
  type DialogueEvent,
  initialState,
  type Reply,
} from '../core/conversation.js';
import { AppError } from '../core/errors.js';
import type { FleetLocks } from '../core/fleet.js';
import type { Parse } from '../core/parse.js';
import { type ConversationStore, DuplicateDeliveryError } from '../core/stores.js';
import { noTelemetry, type Telemetry } from '../core/telemetry.js';
import { TICKET_PROOF_FAILURES, TICKET_PROOF_WINDOW_MS } from '../core/ticket-proof.js';
import type { ModelHolder } from '../nlu/model-holder.js';
import { maskPersonalData } from '../privacy/mask.js';
import type { DialogueEngine } from './engine.js';

export interface IncomingMessage {
  channel: Channel;
  userId: string;
  text: string;
  /**
   * Identifies a delivery the channel may repeat (WeChat's MsgId). A repeat
   * never runs the dialogue again: it gets the first delivery's replies,
   * waiting for them if the first is still in progress.
   */
  deliveryKey?: string;
  /** An intent chosen by the channel (a menu button), overriding the classifier. */
  intent?: string;
}

export interface TurnResult {
  replies: Reply[];
  parse: Parse;
  conversation: { id: string; state: ConversationState['status']; activeIntent: string | null; slots: Record<string, string> };
  events: DialogueEvent[];
  /** True when this was a repeated delivery answered from the first one. */
  duplicate?: boolean;
  /** A repeated delivery whose first answer already went out another way (see markAnsweredLate). */
  answeredLate?: boolean;
}

export interface ConversationServiceDeps {
  store: ConversationStore;
  models: ModelHolder;
  /**
   * Where parsing runs (a ParsePool with PARSE_THREADS); by default in this
   * thread on the holder's model.
   */
  understand?: (text: string, now: Date) => Parse | Promise<Parse>;
  engine: DialogueEngine;
  clock: () => Date;
  log: Logger;
  telemetry?: Telemetry;
  /** Told of every committed turn (not of a repeated delivery): the staff desk re-sends what was held. */
  onCommitted?: (conversation: { id: string; channel: Channel; userId: string }) => void;
  /** Told of each committed turn's events (the staff console's live updates listen here). */
  onEvents?: (events: DialogueEvent[], conversation: { id: string; channel: Channel; userId: string }) => void;
  /** The fleet's per-citizen locks (PostgreSQL); in one process the promise chain alone is enough. */
  locks?: FleetLocks;
}

export class ConversationService {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Map<string, Promise<TurnResult>>();

  constructor(private readonly deps: ConversationServiceDeps) {}

  handle(message: IncomingMessage): Promise<TurnResult> {
    const delivery = message.deliveryKey;
    if (delivery) {
      const running = this.inFlight.get(delivery);
      if (running) return running.then((r) => ({ ...r, duplicate: true }));
      const turn = this.enqueue(message);
      this.inFlight.set(delivery, turn);
      void turn.finally(() => this.inFlight.delete(delivery)).catch(() => {});
      return turn;
    }
    return this.enqueue(message);
  }

  /** A delivery's answer went out through another path (WeChat's customer-service API): its retries get no second copy. */
  markAnsweredLate(deliveryKey: string): Promise<void> {
    return this.deps.store.markAnsweredLate(deliveryKey);
  }

  /** Deletes what is held about a citizen (unsubscribe), in order with their messages. */
  forget(channel: Channel, userId: string): Promise<{ conversations: number; messages: number; anonymised: number }> {
    return this.exclusive(channel, userId, () => this.deps.store.forgetUser(channel, userId));
  }

  /**
   * Runs work on a citizen's conversation in turn with their messages, so a
   * staff action (closing a handoff) and a citizen message never interleave
   * their read-modify-write of the conversation state, on any instance.
   */
  exclusive<T>(channel: Channel, userId: string, work: () => Promise<T>): Promise<T> {
    return this.serially(channel, userId, work);
  }

  private enqueue(message: IncomingMessage): Promise<TurnResult> {
    return this.serially(message.channel, message.userId, () => this.process(message));
  }

  private serially<T>(channel: Channel, userId: string, work: () => Promise<T>): Promise<T> {
    const key = `${channel}\u0000${userId}`;
    const locks = this.deps.locks;
    // PostgreSQL text holds no NUL: the fleet lock's name has its own form.
    const locked = locks ? () => locks.hold(`citizen:${channel}:${userId.replaceAll('\u0000', '')}`, work) : work;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const turn = previous.then(locked, locked);
    this.queues.set(key, turn);
    // Forget the chain once it is idle, so the map holds only active users.
    void turn
      .finally(() => {
        if (this.queues.get(key) === turn) this.queues.delete(key);
      })
      .catch(() => {});
    return turn;
  }

  private async process(message: IncomingMessage): Promise<TurnResult> {
    const model = this.deps.models.current;
    if (!model) throw new AppError('MODEL_NOT_READY');
    const now = this.deps.clock();
    const parseStarted = performance.now();
    const parsed = this.deps.understand ? await this.deps.understand(message.text, now) : model.parse(message.text, now);
    const parseMs = performance.now() - parseStarted;
    const parse = message.intent ? { ...parsed, intent: message.intent, topIntent: message.intent, score: 1, activation: 1 } : parsed;
    const existing = await this.deps.store.find(message.channel, message.userId);
    if (message.deliveryKey) {
      const done = await this.deps.store.findDelivery(message.deliveryKey);
      if (done) return this.repeat(parse, existing, done);
    }
    const conversation: Conversation = existing ?? {
      id: randomUUID(),
      channel: message.channel,
      userId: message.userId,
      state: initialState(),
      updatedAt: now.getTime(),
    };
    const idleMs = existing ? now.getTime() - existing.updatedAt : null;
    const step = this.deps.engine.step(conversation.state, parse, now, idleMs);
    const next: Conversation = { ...conversation, state: step.state, updatedAt: now.getTime() };
    let done: ReturnType<DialogueEngine['complete']>;
    try {
      done = await this.deps.store.commitTurn({
        conversation: next,
        actions: step.actions,
        incoming: {
          direction: 'in',
          text: message.text,
          intent: parse.intent,
          score: parse.score,
          modelVersion: parse.modelVersion,
          outcome: step.outcome,
          maskedText: maskPersonalData(message.text),
          trace: {
            alternatives: parse.alternatives.slice(0, 3),
            // Where the conversation stood when the message came: inside a form a
            // None parse is usually a slot answer, not a misunderstanding (review).
            stage: conversation.state.status,
            entities: parse.entities.map((e) => ({ type: e.type, text: maskPersonalData(e.text) })),
            slots: Object.fromEntries(Object.entries(step.state.form?.slots ?? {}).map(([k, v]) => [k, maskPersonalData(v)])),
            ...(message.intent ? { chosen: message.intent } : {}),
            // The topic and aspect the turn was read with: a follow-up (要多久) is
            // about the remembered topic, whatever intent its words alone got.
            ...(step.topic && step.topic.via !== 'message' ? { topic: step.topic } : {}),
            ...(parse.aspect?.aspect ? { aspect: parse.aspect } : {}),
          },
        },
        now: now.getTime(),
        deliveryKey: message.deliveryKey,
        finish: (results) => {
          const d = this.deps.engine.complete(step, results);
          return {
            state: d.state,
            outgoing: d.replies.map((r) => ({ direction: 'out' as const, text: r.text, intent: null, score: null, modelVersion: null })),
            deliveryReply: message.deliveryKey ? JSON.stringify(d.replies) : undefined,
            value: d,
          };
        },
      });
    } catch (e) {
      // Another instance committed this delivery first: nothing ran here.
      if (e instanceof DuplicateDeliveryError) return this.repeat(parse, existing, await this.deps.store.findDelivery(e.key));
      throw e;
    }
    for (const e of done.events) {
      // Wrong phone digits for a ticket number: a run of these is someone guessing (reference-proof.ts).
      if (e.type === 'reference.proof_failed')
        this.deps.log.warn({ conversation: conversation.id, reference: e.id }, 'ticket proof failed');
      // Enough of those from all sessions: the number takes no answers for a while (reference-proof.ts).
      if (e.type === 'reference.proof_locked')
        this.deps.log.warn(
          {
            conversation: conversation.id,
            reference: e.id,
            failures: TICKET_PROOF_FAILURES,
            windowHours: TICKET_PROOF_WINDOW_MS / 3600_000,
          },
          'ticket proof locked',
        );
    }
    this.deps.onCommitted?.(conversation);
    if (done.events.length > 0) this.deps.onEvents?.(done.events, conversation);
    const telemetry = this.deps.telemetry ?? noTelemetry;
    telemetry.turn({ channel: message.channel, outcome: step.outcome, intent: parse.intent, parseMs });
    for (const a of step.actions) if (a.type === 'request_handoff') telemetry.escalation(a.reason, a.priority);
    this.deps.log.debug(
      { conversation: conversation.id, intent: parse.intent, outcome: step.outcome, events: done.events.map((e) => e.type) },
      'turn',
    );
    const form = done.state.form;
    return {
      replies: done.replies,
      parse,
      conversation: { id: conversation.id, state: done.state.status, activeIntent: form?.intent ?? null, slots: form?.slots ?? {} },
      events: done.events,
    };
  }

  private repeat(
    parse: Parse,
    conversation: Conversation | null,
    done: { reply: string | null; answeredLate: boolean } | null,
  ): TurnResult {
    const form = conversation?.state.form;
    const reply = done?.reply;
    return {
      replies: reply ? (JSON.parse(reply) as Reply[]) : [],
      parse,
      conversation: {
        id: conversation?.id ?? '',
        state: conversation?.state.status ?? 'idle',
        activeIntent: form?.intent ?? null,
        slots: form?.slots ?? {},
      },
      events: [],
      duplicate: true,
      answeredLate: done?.answeredLate ?? false,
    };
  }
}

/**
 * One citizen message through understanding → dialogue → storage.
 * Messages from the same user are processed strictly one at a time, in
 * arrival order (a per-user promise chain); different users run freely.
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
import type { Parse } from '../core/parse.js';
import type { ConversationStore } from '../core/stores.js';
import type { ModelHolder } from '../nlu/model-holder.js';
import type { DialogueEngine } from './engine.js';

export interface IncomingMessage {
  channel: Channel;
  userId: string;
  text: string;
}

export interface TurnResult {
  replies: Reply[];
  parse: Parse;
  conversation: { id: string; state: ConversationState['status']; activeIntent: string | null; slots: Record<string, string> };
  events: DialogueEvent[];
}

export interface ConversationServiceDeps {
  store: ConversationStore;
  models: ModelHolder;
  engine: DialogueEngine;
  clock: () => Date;
  log: Logger;
}

export class ConversationService {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ConversationServiceDeps) {}

  handle(message: IncomingMessage): Promise<TurnResult> {
    const key = `${message.channel}\u0000${message.userId}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const turn = previous.then(
      () => this.process(message),
      () => this.process(message),
    );
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
    const parse = model.parse(message.text, now);
    const existing = await this.deps.store.find(message.channel, message.userId);
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
    const results = await this.deps.store.commitTurn({
      conversation: next,
      actions: step.actions,
      messages: [{ direction: 'in', text: message.text, intent: parse.intent, score: parse.score, modelVersion: parse.modelVersion }],
      now: now.getTime(),
    });
    const done = this.deps.engine.complete(step, results);
    // The actions and the new state are committed above, before anything is
    // said to the citizen; this records the replies (and the reference a
    // result added to the state).
    await this.deps.store.commitTurn({
      conversation: { ...next, state: done.state },
      actions: [],
      messages: done.replies.map((r) => ({ direction: 'out' as const, text: r.text, intent: null, score: null, modelVersion: null })),
      now: now.getTime(),
    });
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
}

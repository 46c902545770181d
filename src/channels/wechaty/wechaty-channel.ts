/**
 * The Wechaty channel (personal WeChat or WeCom accounts through a puppet):
 * the only file that imports wechaty. Direct messages go to the dialogue; in
 * rooms the bot answers only when mentioned, with the mention stripped, and
 * replies mentioning the asker. It ignores its own messages, official
 * accounts and anything older than its start.
 *
 * Start, stop and every send are time-boxed; a puppet that fails to start or
 * errors later is logged and restarted with backoff — it never takes the
 * server down.
 */
import type { Logger } from 'pino';
import { type Contact, type Message, type Room, type Wechaty, WechatyBuilder, type WechatyOptions } from 'wechaty';
import { withTimeout } from '../../core/time-box.js';
import type { ConversationService } from '../../dialogue/conversation-service.js';
import { repliesToText } from '../reply-text.js';

export interface WechatyChannelOptions {
  /**
   * A puppet name (e.g. wechaty-puppet-service), or a factory of puppet
   * instances (tests). Each (re)start gets a fresh puppet: a failed one
   * keeps state that makes it unusable.
   */
  puppet: string | (() => NonNullable<WechatyOptions['puppet']>);
  puppetToken?: string;
  conversations: ConversationService;
  log: Logger;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  sendTimeoutMs?: number;
  /** Waits before each restart attempt; the last repeats. */
  restartBackoffMs?: readonly number[];
  unsupportedMessage: string;
}

/** Whether an incoming message is for the assistant at all (pure, for tests). */
export function isForUs(m: { self: boolean; official: boolean; sentAt: number; startedAt: number }): boolean {
  // A little slack: the puppet's clock and ours may differ by a second.
  return !m.self && !m.official && m.sentAt >= m.startedAt - 2000;
}

/**
 * A citizen in a room is a separate conversation from the same person in a
 * direct chat: `roomId/contactId`. ('/' because WeChat ids contain '@':
 * rooms end in @chatroom, WeCom contacts in @openim.)
 */
export const roomMemberId = (roomId: string, contactId: string) => `${roomId}/${contactId}`;

export function parseUserId(userId: string): { contactId: string; roomId: string | null } {
  const slash = userId.lastIndexOf('/');
  return slash < 0 ? { contactId: userId, roomId: null } : { roomId: userId.slice(0, slash), contactId: userId.slice(slash + 1) };
}

export class WechatyChannel {
  private bot: Wechaty | null = null;
  private startedAt = 0;
  private attempts = 0;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private running = false;
  /** The start (or restart) in progress, which stop() waits for. */
  private starting: Promise<void> = Promise.resolve();
  /** Contacts and rooms that wrote to us lately, so staff replies need no lookup (bounded). */
  private readonly seen = { contacts: new Map<string, Contact>(), rooms: new Map<string, Room>() };

  private remember<T>(map: Map<string, T>, id: string, value: T): void {
    map.delete(id);
    map.set(id, value);
    if (map.size > 10_000) map.delete(map.keys().next().value as string);
  }

  constructor(private readonly o: WechatyChannelOptions) {}

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Sends a staff message to a citizen: a contact id, or `room/contact` for
   * someone who wrote in a room (they are mentioned there).
   */
  async sendTo(userId: string, text: string): Promise<void> {
    const bot = this.bot;
    if (!bot || !this.running) throw new Error('wechaty is not running');
    const { contactId, roomId } = parseUserId(userId);
    const contact =
      this.seen.contacts.get(contactId) ??
      (await withTimeout(bot.Contact.find({ id: contactId }), this.o.sendTimeoutMs ?? 10_000, 'wechaty find contact'));
    if (roomId) {
      const room =
        this.seen.rooms.get(roomId) ??
        (await withTimeout(bot.Room.find({ id: roomId }), this.o.sendTimeoutMs ?? 10_000, 'wechaty find room'));
      if (!room) throw new Error(`room ${roomId} not found`);
      await withTimeout(contact ? room.say(text, contact) : room.say(text), this.o.sendTimeoutMs ?? 10_000, 'wechaty room say');
      return;
    }
    if (!contact) throw new Error(`contact ${contactId} not found`);
    await withTimeout(contact.say(text), this.o.sendTimeoutMs ?? 10_000, 'wechaty say');
  }

  /** Starts the bot; on failure logs and retries later. Never throws. */
  async start(): Promise<void> {
    this.stopping = false;
    this.starting = this.launch();
    await this.starting;
  }

  private async launch(): Promise<void> {
    if (this.stopping) return;
    const puppet = typeof this.o.puppet === 'string' ? (this.o.puppet as WechatyOptions['puppet']) : this.o.puppet();
    const bot = WechatyBuilder.build({ puppet, puppetOptions: this.o.puppetToken ? { token: this.o.puppetToken } : undefined });
    this.bot = bot;
    // Contacts and rooms belong to the bot that found them.
    this.seen.contacts.clear();
    this.seen.rooms.clear();
    bot.on('message', (m) => {
      void this.onMessage(m).catch((e: unknown) => this.o.log.error({ err: e }, 'wechaty: message handling failed'));
    });
    bot.on('error', (e) => {
      this.o.log.error({ err: e }, 'wechaty: puppet error');
      this.scheduleRestart();
    });
    try {
      await withTimeout(bot.start(), this.o.startTimeoutMs ?? 30_000, 'wechaty start');
      // Stopped while starting (leadership lost): the bot must not stay logged in.
      if (this.stopping) {
        await this.stopBot(bot);
        return;
      }
      // Wechaty reports a puppet that fails to start as an 'error' event and
      // still resolves start(); the error handler has then scheduled a restart.
      if (this.restartTimer) return;
      this.startedAt = Date.now();
      this.attempts = 0;
      this.running = true;
      this.o.log.info('wechaty: started');
    } catch (e) {
      this.o.log.error({ err: e }, 'wechaty: start failed');
      this.scheduleRestart();
    }
  }

  private stopBot(bot: Wechaty): Promise<void> {
    return withTimeout(bot.stop(), this.o.stopTimeoutMs ?? 10_000, 'wechaty stop').catch((e: unknown) =>
      this.o.log.warn({ err: e }, 'wechaty: stop failed'),
    );
  }

  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer) return;
    this.running = false;
    const backoff = this.o.restartBackoffMs ?? [1000, 5000, 30_000, 120_000];
    const wait = backoff[Math.min(this.attempts, backoff.length - 1)] as number;
    this.attempts++;
    this.o.log.warn({ attempt: this.attempts, waitMs: wait }, 'wechaty: restarting the puppet');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      const old = this.bot;
      this.starting = (
        old ? withTimeout(old.stop(), this.o.stopTimeoutMs ?? 10_000, 'wechaty stop').catch(() => {}) : Promise.resolve()
      ).then(() => this.launch());
    }, wait);
    this.restartTimer.unref?.();
  }

  /** Stops the bot; resolves once it is stopped, a start in progress included (each step time-boxed). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.running = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (this.bot) await this.stopBot(this.bot);
    await this.starting;
  }

  private async onMessage(message: Message): Promise<void> {
    const talker = message.talker();
    const official = talker.type() === (this.bot?.Contact.Type.Official ?? -1);
    if (!isForUs({ self: message.self(), official, sentAt: message.date().getTime(), startedAt: this.startedAt })) return;
    const room = message.room();
    this.remember(this.seen.contacts, talker.id, talker);
    if (room) this.remember(this.seen.rooms, room.id, room);
    const isText = message.type() === (this.bot?.Message.Type.Text ?? -1);
    if (room) {
      if (!(await message.mentionSelf())) return;
      const text = (await message.mentionText()).trim();
      if (!isText || !text) return;
      const turn = await this.o.conversations.handle({
        channel: 'wechaty',
        userId: roomMemberId(room.id, talker.id),
        text,
        deliveryKey: `wy:${message.id}`,
      });
      if (turn.duplicate || turn.replies.length === 0) return;
      await withTimeout(room.say(repliesToText(turn.replies), talker), this.o.sendTimeoutMs ?? 10_000, 'wechaty room say');
      return;
    }
    if (!isText) {
      await withTimeout(message.say(this.o.unsupportedMessage), this.o.sendTimeoutMs ?? 10_000, 'wechaty say');
      return;
    }
    const turn = await this.o.conversations.handle({
      channel: 'wechaty',
      userId: talker.id,
      text: message.text(),
      deliveryKey: `wy:${message.id}`,
    });
    if (turn.duplicate || turn.replies.length === 0) return;
    await withTimeout(talker.say(repliesToText(turn.replies)), this.o.sendTimeoutMs ?? 10_000, 'wechaty say');
  }
}

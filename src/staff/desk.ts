/**
 * The handoff desk: what staff do with handed-off conversations — claim,
 * release, transfer, reply, note, close — and the sweep that gives idle
 * handoffs back to the assistant. Every action is checked against the
 * staff member's role and hold on the conversation, audited, and announced
 * on the live-update bus. Changes to a citizen's conversation state run in
 * that citizen's turn order (ConversationService.exclusive).
 */
import type { Logger } from 'pino';
import { CUSTOMER_SERVICE_WINDOW_MS } from '../channels/wechat-oa/staff-sender.js';
import type { Channel, ConversationState } from '../core/conversation.js';
import { AppError } from '../core/errors.js';
import type { FleetLocks, JobTicks } from '../core/fleet.js';
import { RESOLUTIONS, reasonLabel, SYSTEM_RESOLUTIONS } from '../core/handoffs.js';
import { roleAtLeast, type StaffStore, type StaffUser, type StoredMessage } from '../core/staff.js';
import type { ConversationStore, HandoffRecord } from '../core/stores.js';
import type { ConversationService } from '../dialogue/conversation-service.js';
import { RATING_LABELS } from '../dialogue/intents-text.js';
import { everyTick, startFleetJob } from '../fleet/fleet-job.js';
import type { HandoffEvent, StaffEvents } from './events.js';
import type { CitizenOutbox, DeliveryOutcome } from './outbox.js';

export interface DeskOptions {
  staff: StaffStore;
  conversationStore: ConversationStore;
  conversations: ConversationService;
  outbox: CitizenOutbox;
  events: StaffEvents;
  messages: { rating_prompt: string; handoff_idle_returned: string };
  clock: () => Date;
  slaSeconds: number;
  idleMinutes: number;
  log: Logger;
  /** The fleet's locks (several instances): one instance at a time re-sends a conversation's waiting messages. */
  locks?: FleetLocks;
}

export interface HandoffView {
  id: string;
  status: HandoffRecord['status'];
  priority: HandoffRecord['priority'];
  reason: string;
  reasonLabel: string;
  summary: string;
  channel: HandoffRecord['channel'];
  citizen: string;
  createdAt: number;
  waitingSeconds: number;
  overSla: boolean;
  claimedBy: { id: string; name: string } | null;
  lastCitizenAt: number;
  callbackReference: string | null;
  resolution: string | null;
  rating: { level: number; label: string; comment: string | null } | null;
}

export interface MessageView {
  id: number;
  author: StoredMessage['author'];
  staffName: string | null;
  text: string;
  /** Personal data in a citizen's text is masked; `POST …/messages/:id/reveal` shows it (audited). */
  masked: boolean;
  at: number;
  understanding: {
    intent: string;
    score: number;
    outcome: string | null;
    alternatives: Array<{ intent: string; score: number }>;
    entities: Array<{ type: string; text: string }>;
    slots: Record<string, string>;
  } | null;
  delivery: StoredMessage['delivery'];
  deliveryError: string | null;
}

/** An agent sees the waiting queue and the handoffs they hold or held; maintainers and admins see all. */
const canSee = (user: StaffUser, h: HandoffRecord) =>
  roleAtLeast(user.role, 'maintainer') || h.status === 'queued' || h.claimedBy === user.id;

/** Sent instead of an event about a handoff the agent may not see, when it changed what the queue shows. */
export interface QueueChanged {
  type: 'queue.changed';
}
const QUEUE_EVENTS = new Set<HandoffEvent['type']>([
  'handoff.created',
  'handoff.claimed',
  'handoff.released',
  'handoff.closed',
  'handoff.callback',
]);

/** Maintainers and admins hear every event as it is, and so does whoever acted. */
const hearsAll = (user: StaffUser, e: HandoffEvent) => roleAtLeast(user.role, 'maintainer') || e.by?.id === user.id;

/**
 * What one staff member hears of a handoff event, given the handoff as it
 * is now (null: gone). An agent hears of the queue and their own handoffs;
 * of another agent's handoff only that the queue changed (when it was
 * taken, released or ended), with neither its id nor who acted, and
 * nothing of its messages.
 */
function liveEvent(user: StaffUser, e: HandoffEvent, h: HandoffRecord | null): HandoffEvent | QueueChanged | null {
  if (hearsAll(user, e) || (h && canSee(user, h))) return e;
  return QUEUE_EVENTS.has(e.type) ? { type: 'queue.changed' } : null;
}

const maskId = (userId: string) => (userId.length <= 6 ? `${userId.slice(0, 1)}…` : `${userId.slice(0, 3)}…${userId.slice(-3)}`);

export class StaffDesk {
  private timer: { stop(): void } | null = null;
  private readonly ratingSeen = new Set<string>();
  /** Conversations whose undelivered messages are being sent now (one run each at a time). */
  private readonly redelivering = new Set<string>();

  constructor(private readonly o: DeskOptions) {}

  private now(): number {
    return this.o.clock().getTime();
  }

  private publish(e: HandoffEvent): void {
    this.o.events.publish(e);
  }

  // ---- reading --------------------------------------------------------------

  async queue(user: StaffUser) {
    const open = await this.o.staff.openHandoffs();
    const closed = await this.o.staff.recentlyClosed(20);
    const shown = [...open, ...closed].filter((h) => canSee(user, h));
    const handoffs = await Promise.all(shown.map((h) => this.view(h)));
    return {
      handoffs,
      counts: {
        queued: open.filter((h) => h.status === 'queued').length,
        claimed: open.filter((h) => h.status === 'claimed').length,
        mine: open.filter((h) => h.claimedBy === user.id).length,
      },
      serverTime: this.now(),
    };
  }

  private async visible(user: StaffUser, id: string): Promise<HandoffRecord> {
    const h = await this.o.staff.handoff(id);
    if (!h) throw new AppError('NOT_FOUND', `No handoff ${id}`);
    if (canSee(user, h)) return h;
    throw new AppError('FORBIDDEN', 'This conversation is held by another agent');
  }

  /**
   * What each connected staff member's live stream carries for a handoff
   * event, in `users`' order (ticket events: TicketDesk.liveEvents). The
   * handoff is read once for them all, and only when an agent other than
   * the one who acted is among them.
   */
  async liveEvents(users: readonly StaffUser[], e: HandoffEvent): Promise<Array<HandoffEvent | QueueChanged | null>> {
    const needed = users.some((u) => !hearsAll(u, e));
    const h = needed ? await this.o.staff.handoff(e.handoffId) : null;
    return users.map((u) => liveEvent(u, e, h));
  }

  async conversation(user: StaffUser, id: string) {
    const h = await this.visible(user, id);
    const messages = (await this.o.staff.messages(h.conversationId)).map(messageView);
    const view = await this.view(h);
    if (view.rating && !this.ratingSeen.has(`${user.id}:${id}`)) {
      this.ratingSeen.add(`${user.id}:${id}`);
      await this.o.staff.audit({
        staffId: user.id,
        action: 'rating_seen',
        target: id,
        details: { level: view.rating.level },
        now: this.now(),
      });
    }
    return { handoff: view, messages, notes: await this.o.staff.notes(id), window: this.window(h) };
  }

  /** The full text of a masked citizen message; the reveal is audited. */
  async reveal(user: StaffUser, id: string, messageId: number) {
    const h = await this.visible(user, id);
    const m = await this.o.staff.message(messageId);
    if (!m || m.conversationId !== h.conversationId) throw new AppError('NOT_FOUND', `No message ${messageId} in handoff ${id}`);
    await this.o.staff.audit({ staffId: user.id, action: 'reveal', target: id, details: { messageId }, now: this.now() });
    return { id: m.id, text: m.text };
  }

  private window(h: HandoffRecord) {
    if (h.channel !== 'wechat-oa')
      return {
        channel: h.channel,
        open: true,
        closesAt: null,
        note: h.channel === 'web' ? '网页对话：回复在市民下次刷新时送达' : '个人微信：可随时回复',
      };
    const closesAt = h.lastCitizenAt + CUSTOMER_SERVICE_WINDOW_MS;
    const open = this.now() < closesAt;
    return {
      channel: h.channel,
      open,
      closesAt,
      note: open ? '公众号客服消息窗口内（市民最后一条消息后 48 小时）' : '已超过 48 小时窗口：回复将保留并转为回电工单',
    };
  }

  async view(h: HandoffRecord): Promise<HandoffView> {
    const now = this.now();
    const holder = h.claimedBy ? await this.o.staff.findUser(h.claimedBy) : null;
    const rating = await this.o.staff.rating(h.id);
    const waitingSeconds = Math.max(0, Math.round((now - (h.status === 'queued' ? h.createdAt : h.lastCitizenAt)) / 1000));
    return {
      id: h.id,
      status: h.status,
      priority: h.priority,
      reason: h.reason,
      reasonLabel: reasonLabel(h.reason),
      summary: h.summary,
      channel: h.channel,
      citizen: `${h.channel}:${maskId(h.userId)}`,
      createdAt: h.createdAt,
      waitingSeconds,
      overSla: h.status === 'queued' && waitingSeconds > this.o.slaSeconds,
      claimedBy: holder ? { id: holder.id, name: holder.name } : null,
      lastCitizenAt: h.lastCitizenAt,
      callbackReference: h.callbackReference,
      resolution: h.resolution,
      rating: rating
        ? { level: rating.level, label: RATING_LABELS[rating.level as 1 | 2 | 3 | 4 | 5] ?? String(rating.level), comment: rating.comment }
        : null,
    };
  }

  // ---- acting ---------------------------------------------------------------

  async claim(user: StaffUser, id: string) {
    if (!(await this.o.staff.claim(id, user.id, this.now()))) {
      const h = await this.o.staff.handoff(id);
      if (!h) throw new AppError('NOT_FOUND', `No handoff ${id}`);
      if (h.status === 'closed' || h.status === 'callback') throw new AppError('HANDOFF_CLOSED');
      throw new AppError('ALREADY_CLAIMED');
    }
    return this.acted(user, id, 'claim', 'handoff.claimed');
  }

  async release(user: StaffUser, id: string) {
    await this.visible(user, id);
    if (!(await this.o.staff.release(id, user.id, user.role === 'admin', this.now()))) throw new AppError('NOT_CLAIMED_BY_YOU');
    return this.acted(user, id, 'release', 'handoff.released');
  }

  async transfer(user: StaffUser, id: string, toStaffId: string) {
    await this.visible(user, id);
    const to = await this.o.staff.findUser(toStaffId);
    if (!to) throw new AppError('BAD_REQUEST', `No staff member ${toStaffId}`);
    if (!(await this.o.staff.transfer(id, user.id, to.id, user.role === 'admin', this.now()))) throw new AppError('NOT_CLAIMED_BY_YOU');
    return this.acted(user, id, 'transfer', 'handoff.claimed', { to: to.id, toName: to.name });
  }

  private async acted(user: StaffUser, id: string, action: string, event: HandoffEvent['type'], details?: unknown) {
    await this.o.staff.audit({ staffId: user.id, action, target: id, details, now: this.now() });
    this.publish({ type: event, handoffId: id, by: { id: user.id, name: user.name } });
    return { handoff: await this.view((await this.o.staff.handoff(id)) as HandoffRecord) };
  }

  private async held(user: StaffUser, id: string): Promise<HandoffRecord> {
    const h = await this.visible(user, id);
    if (h.status === 'closed' || h.status === 'callback') throw new AppError('HANDOFF_CLOSED');
    if (h.claimedBy !== user.id) throw new AppError('NOT_CLAIMED_BY_YOU');
    return h;
  }

  /**
   * The reply is stored before it is sent, so it survives a failed send or
   * a crash; its delivery status is then updated. A closed WeChat window
   * turns the handoff into a callback ticket.
   */
  async reply(user: StaffUser, id: string, text: string) {
    const h = await this.held(user, id);
    const now = this.now();
    const messageId = await this.o.staff.addStaffMessage(h, { author: 'staff', staffId: user.id, text, delivery: 'pending' }, now);
    const outcome = await this.send(h, messageId, text, now);
    await this.o.staff.audit({ staffId: user.id, action: 'reply', target: id, details: { messageId, delivery: outcome.delivery }, now });
    this.publish({ type: 'handoff.message', handoffId: id, by: { id: user.id, name: user.name } });
    const message = (await this.o.staff.message(messageId)) as StoredMessage;
    return { message: messageView(message), handoff: await this.view((await this.o.staff.handoff(id)) as HandoffRecord) };
  }

  private async send(h: HandoffRecord, messageId: number, text: string, now: number): Promise<DeliveryOutcome> {
    const outcome = await this.o.outbox.deliver(h, text, now);
    if (outcome.delivery !== 'pending') await this.o.staff.setDelivery(messageId, outcome.delivery, outcome.error);
    if (outcome.delivery === 'failed')
      this.o.log.warn({ handoff: h.id, error: outcome.error }, 'staff message not delivered; kept for retry');
    if (outcome.delivery === 'held' && h.status !== 'callback') {
      const reference = await this.o.staff.convertToCallback(
        h,
        `【回电·公众号48小时窗口已关闭】${reasonLabel(h.reason)}：${h.summary}；待送达回复：${text}`,
        now,
      );
      await this.o.staff.audit({ staffId: null, action: 'callback', target: h.id, details: { reference }, now });
      this.publish({ type: 'handoff.callback', handoffId: h.id });
    }
    return outcome;
  }

  async note(user: StaffUser, id: string, text: string) {
    await this.visible(user, id);
    const note = await this.o.staff.addNote(id, user.id, text, this.now());
    await this.o.staff.audit({ staffId: user.id, action: 'note', target: id, now: this.now() });
    return { note };
  }

  /** Closes with a resolution; the citizen is asked for a 好差评 rating. */
  async close(user: StaffUser, id: string, resolution: string) {
    if (!RESOLUTIONS.some((r) => r.id === resolution)) throw new AppError('BAD_REQUEST', `Unknown resolution "${resolution}"`);
    const h = await this.visible(user, id);
    if (h.status === 'closed' || h.status === 'callback') throw new AppError('HANDOFF_CLOSED');
    if (h.claimedBy !== user.id && user.role !== 'admin') throw new AppError('NOT_CLAIMED_BY_YOU');
    await this.end(h, user.id, resolution, this.o.messages.rating_prompt, (s) => ({
      ...s,
      status: 'rating',
      ratingFor: h.id,
      handoffId: null,
      form: null,
    }));
    await this.o.staff.audit({ staffId: user.id, action: 'close', target: id, details: { resolution }, now: this.now() });
    this.publish({ type: 'handoff.closed', handoffId: id, by: { id: user.id, name: user.name } });
    return { handoff: await this.view((await this.o.staff.handoff(id)) as HandoffRecord) };
  }

  private async end(
    h: HandoffRecord,
    staffId: string | null,
    resolution: string,
    text: string,
    next: (s: ConversationState) => ConversationState,
  ): Promise<boolean> {
    const now = this.now();
    const ended = await this.o.conversations.exclusive(h.channel, h.userId, async () => {
      const conversation = await this.o.conversationStore.find(h.channel, h.userId);
      // Only a conversation still in this handoff changes state (the citizen may have left it).
      const state =
        conversation && conversation.state.status === 'handoff' && (conversation.state.handoffId ?? h.id) === h.id
          ? next(conversation.state)
          : null;
      return this.o.staff.endHandoff({
        handoff: h,
        staffId,
        resolution,
        state,
        message: { author: 'system', staffId: null, text, delivery: 'pending' },
        now,
      });
    });
    if (!ended) throw new AppError('HANDOFF_CLOSED');
    await this.send({ ...h, status: 'closed' }, ended.messageId, text, now);
    return true;
  }

  /**
   * The citizen wrote again. On WeChat that opens the 48-hour window again,
   * so staff replies held outside it, and sends that failed, go out now,
   * oldest first; at the first that still cannot go the rest wait for the
   * next message, keeping their order. A callback ticket made for a held
   * reply stays open for staff to close (they may still want to call); the
   * console is told that the reply has arrived. Returns how many went out.
   */
  async redeliver(c: { id: string; channel: Channel; userId: string }): Promise<number> {
    if (this.redelivering.has(c.id)) return 0;
    this.redelivering.add(c.id);
    try {
      // Consecutive turns may land on different instances: each re-sends, one after the other, what is still waiting.
      const locks = this.o.locks;
      return locks ? await locks.hold(`redeliver:${c.id}`, () => this.sendWaiting(c)) : await this.sendWaiting(c);
    } finally {
      this.redelivering.delete(c.id);
    }
  }

  private async sendWaiting(c: { id: string; channel: Channel; userId: string }): Promise<number> {
    let sent = 0;
    for (const m of await this.o.staff.undelivered(c.id)) {
      const now = this.now();
      const outcome = await this.o.outbox.deliver({ channel: c.channel, userId: c.userId, lastCitizenAt: now }, m.text, now);
      await this.o.staff.setDelivery(m.id, outcome.delivery, outcome.error);
      if (outcome.delivery !== 'sent') {
        this.o.log.warn({ message: m.id, delivery: outcome.delivery, error: outcome.error }, 'staff message still not delivered');
        break;
      }
      sent++;
      await this.o.staff.audit({
        staffId: null,
        action: 'redelivered',
        target: m.handoffId,
        details: { messageId: m.id, was: m.delivery },
        now,
      });
      if (m.handoffId) this.publish({ type: 'handoff.delivered', handoffId: m.handoffId });
    }
    return sent;
  }

  /** Gives handoffs idle past the limit back to the assistant, telling the citizen. */
  async sweepIdle(): Promise<number> {
    const before = this.now() - this.o.idleMinutes * 60_000;
    let n = 0;
    for (const h of await this.o.staff.idleHandoffs(before)) {
      try {
        await this.end(h, null, SYSTEM_RESOLUTIONS.idle, this.o.messages.handoff_idle_returned, (s) => ({
          ...s,
          status: 'idle',
          handoffId: null,
        }));
        await this.o.staff.audit({ staffId: null, action: 'idle_return', target: h.id, now: this.now() });
        this.publish({ type: 'handoff.closed', handoffId: h.id });
        n++;
      } catch (e) {
        if (!(e instanceof AppError && e.code === 'HANDOFF_CLOSED')) this.o.log.error({ err: e, handoff: h.id }, 'idle sweep failed');
      }
    }
    return n;
  }

  /** Sweeps every interval; with several instances, only the one that claims the tick (`jobs`). */
  start(intervalMs = 30_000, jobs: JobTicks = everyTick): void {
    this.timer ??= startFleetJob({
      name: 'handoff-idle-sweep',
      intervalMs,
      jobs,
      run: () => this.sweepIdle(),
      onError: (e) => this.o.log.error({ err: e }, 'idle sweep failed'),
    });
  }

  stop(): void {
    this.timer?.stop();
    this.timer = null;
  }
}

function messageView(m: StoredMessage): MessageView {
  const trace = (m.trace ?? {}) as Partial<NonNullable<MessageView['understanding']>>;
  const citizen = m.author === 'citizen';
  const shown = citizen && m.maskedText !== null ? m.maskedText : m.text;
  return {
    id: m.id,
    author: m.author,
    staffName: m.staffName,
    text: shown,
    masked: shown !== m.text,
    at: m.createdAt,
    understanding:
      citizen && m.intent !== null
        ? {
            intent: m.intent,
            score: m.score ?? 0,
            outcome: m.outcome,
            alternatives: trace.alternatives ?? [],
            entities: trace.entities ?? [],
            slots: trace.slots ?? {},
          }
        : null,
    delivery: m.delivery,
    deliveryError: m.deliveryError,
  };
}

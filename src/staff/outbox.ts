/**
 * Sending staff (and system) messages to a citizen on the channel they used.
 * Each channel registers a sender; the outcome says what happened so that
 * nothing is dropped silently: sent, pending (the web chat picks it up on
 * its next poll), held (the channel's window is closed: kept, and the desk
 * turns the handoff into a callback), or failed (kept, with the error).
 */
import type { Channel } from '../core/conversation.js';
import type { Delivery } from '../core/staff.js';

export interface DeliveryOutcome {
  delivery: Delivery;
  error: string | null;
}

export interface CitizenSender {
  deliver(to: { userId: string; lastCitizenAt: number }, text: string, now: number): Promise<DeliveryOutcome>;
}

/** The web chat polls for what staff wrote (GET /api/v1/messages). */
export const webChatSender: CitizenSender = {
  deliver: async () => ({ delivery: 'pending', error: null }),
};

export class CitizenOutbox {
  private readonly senders = new Map<Channel, CitizenSender>([['web', webChatSender]]);

  register(channel: Channel, sender: CitizenSender): void {
    this.senders.set(channel, sender);
  }

  async deliver(to: { channel: Channel; userId: string; lastCitizenAt: number }, text: string, now: number): Promise<DeliveryOutcome> {
    const sender = this.senders.get(to.channel);
    if (!sender) return { delivery: 'failed', error: 'CHANNEL_OFFLINE' };
    try {
      return await sender.deliver(to, text, now);
    } catch (e) {
      return { delivery: 'failed', error: e instanceof Error ? e.message.slice(0, 200) : 'UNKNOWN' };
    }
  }
}

/**
 * Staff messages and ticket notices to Wechaty citizens go out through the
 * bot. Where the bot is not running (this instance stands by while another
 * leads, or the puppet restarts) the message is kept as failed with
 * CHANNEL_OFFLINE; a send that throws (timed out) is caught by the outbox and
 * kept as failed too. Either is sent again, by the leader, when the citizen
 * next writes.
 */
import type { CitizenSender } from '../../staff/outbox.js';
import type { WechatyChannel } from './wechaty-channel.js';

export function wechatySender(channel: Pick<WechatyChannel, 'sendTo' | 'isRunning'>): CitizenSender {
  return {
    deliver: async (to, text) => {
      if (!channel.isRunning) return { delivery: 'failed', error: 'CHANNEL_OFFLINE' };
      await channel.sendTo(to.userId, text);
      return { delivery: 'sent', error: null };
    },
  };
}

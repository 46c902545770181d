/**
 * Staff messages and ticket notices to Wechaty citizens go out through the
 * bot. A send that throws (bot offline, timed out) is caught by the outbox
 * and kept as failed, to be sent again when the citizen next writes.
 */
import type { CitizenSender } from '../../staff/outbox.js';
import type { WechatyChannel } from './wechaty-channel.js';

export function wechatySender(channel: Pick<WechatyChannel, 'sendTo'>): CitizenSender {
  return {
    deliver: async (to, text) => {
      await channel.sendTo(to.userId, text);
      return { delivery: 'sent', error: null };
    },
  };
}

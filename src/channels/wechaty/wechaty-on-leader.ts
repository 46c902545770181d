/**
 * The Wechaty bot as the fleet runs it: one login per account, so the bot
 * runs only on the instance that leads the role `wechaty` (Leadership). On
 * SQLite that is always this one; on PostgreSQL every instance with
 * WECHATY_PUPPET campaigns, one runs the bot, and a stand-by takes over when
 * the leader dies, loses its database connection or shuts down. Staff
 * messages written on a stand-by are kept as failed (CHANNEL_OFFLINE) and
 * re-sent by the leader when the citizen next writes.
 */
import type { Logger } from 'pino';
import type { Campaign, Leadership } from '../../core/fleet.js';
import type { ConversationService } from '../../dialogue/conversation-service.js';
import type { CitizenOutbox } from '../../staff/outbox.js';
import { WechatyChannel, type WechatyChannelOptions } from './wechaty-channel.js';
import { wechatySender } from './wechaty-sender.js';

export const WECHATY_ROLE = 'wechaty';

export interface WechatyOnLeader {
  readonly channel: WechatyChannel;
  /** True while this instance leads the role (its bot started or starting). */
  readonly leading: boolean;
  /** Starts campaigning (after the server listens). */
  start(): void;
  /** Stops the bot if it runs here and hands the role over at once. */
  resign(): Promise<void>;
}

export function wechatyOnLeader(o: {
  puppet: WechatyChannelOptions['puppet'];
  puppetToken?: string;
  conversations: ConversationService;
  outbox: CitizenOutbox;
  leadership: Leadership;
  unsupportedMessage: string;
  log: Logger;
}): WechatyOnLeader {
  const channel = new WechatyChannel({
    puppet: o.puppet,
    puppetToken: o.puppetToken,
    conversations: o.conversations,
    log: o.log,
    unsupportedMessage: o.unsupportedMessage,
  });
  o.outbox.register('wechaty', wechatySender(channel));
  let campaign: Campaign | undefined;
  return {
    channel,
    get leading() {
      return campaign?.leading ?? false;
    },
    start() {
      campaign ??= o.leadership.campaign(WECHATY_ROLE, { lead: () => channel.start(), stepDown: () => channel.stop() });
    },
    async resign() {
      await campaign?.resign();
    },
  };
}

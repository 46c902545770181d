/**
 * Staff replies over the Official Account's customer-service API. WeChat
 * accepts them only within 48 hours of the citizen's last message; outside
 * that window (checked here first, and again if WeChat answers 45015) the
 * reply is held, never sent into a void.
 */
import type { CitizenSender, DeliveryOutcome } from '../../staff/outbox.js';
import { type WechatApiClient, WechatApiError } from './api-client.js';

export const CUSTOMER_SERVICE_WINDOW_MS = 48 * 3600_000;

export function wechatStaffSender(api: Pick<WechatApiClient, 'sendText'>, windowMs = CUSTOMER_SERVICE_WINDOW_MS): CitizenSender {
  return {
    async deliver(to, text, now): Promise<DeliveryOutcome> {
      if (now - to.lastCitizenAt >= windowMs) return { delivery: 'held', error: 'out_of_window' };
      try {
        await api.sendText(to.userId, text);
        return { delivery: 'sent', error: null };
      } catch (e) {
        if (e instanceof WechatApiError) {
          if (e.kind === 'out_of_window') return { delivery: 'held', error: 'out_of_window' };
          return { delivery: 'failed', error: `${e.kind} (${e.errcode})` };
        }
        throw e;
      }
    },
  };
}

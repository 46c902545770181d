/**
 * Telling a citizen what became of their ticket, on the channel they used.
 * The message is stored in their conversation before it is sent (so it
 * survives a failed send or a crash), then handed to the outbox: the web
 * chat picks it up on its next poll; WeChat sends it through the
 * customer-service API inside the 48-hour window and otherwise holds it;
 * Wechaty sends it through the bot. Held and failed messages go out when
 * the citizen next writes (StaffDesk.redeliver), as held staff replies do.
 * The ticket's history records the message and, through it, its delivery.
 */
import type { Logger } from 'pino';
import type { StaffStore } from '../core/staff.js';
import type { Ticket, TicketStore } from '../core/tickets.js';
import type { Departments } from '../dispatch/departments.js';
import type { CitizenOutbox } from '../staff/outbox.js';
import { departmentName } from './department-names.js';
import { ticketNotice } from './notices.js';

export interface CitizenNoticeOptions {
  tickets: TicketStore;
  staff: Pick<StaffStore, 'setDelivery'>;
  outbox: CitizenOutbox;
  departments: Departments;
  messages: Readonly<Record<string, string>>;
  log: Logger;
}

export type NoticeDelivery = 'sent' | 'pending' | 'held' | 'failed' | 'unreachable' | 'none';

export class CitizenNotice {
  constructor(private readonly o: CitizenNoticeOptions) {}

  /** Returns what happened to the message (none: this status is not told; unreachable: the citizen's data was deleted). */
  async statusChanged(t: Ticket, now: number): Promise<NoticeDelivery> {
    const text = ticketNotice(this.o.messages, t.status, {
      reference: t.reference,
      department: t.department ? departmentName(this.o.departments, t.department) : '相关部门',
      result: t.result ?? '',
    });
    if (!text) return 'none';
    const stored = await this.o.tickets.addCitizenMessage(t, text, now);
    if (!stored) {
      await this.o.tickets.addEvent({
        reference: t.reference,
        type: 'message',
        staffId: null,
        text: `（未发送：市民信息已删除）${text}`,
        now,
      });
      return 'unreachable';
    }
    await this.o.tickets.addEvent({ reference: t.reference, type: 'message', staffId: null, text, messageId: stored.messageId, now });
    const outcome = await this.o.outbox.deliver({ channel: t.channel, userId: t.userId, lastCitizenAt: stored.lastCitizenAt }, text, now);
    if (outcome.delivery !== 'pending') await this.o.staff.setDelivery(stored.messageId, outcome.delivery, outcome.error);
    if (outcome.delivery === 'held' || outcome.delivery === 'failed')
      this.o.log.warn(
        { ticket: t.reference, delivery: outcome.delivery, error: outcome.error },
        'ticket notice kept; sent when the citizen next writes',
      );
    return outcome.delivery;
  }
}

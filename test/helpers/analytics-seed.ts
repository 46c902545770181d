/**
 * A month of service, played through the public surface (the web chat API
 * and the staff API, real model) with the clock moved between turns: the
 * analytics tests and the dashboard's browser test read it back.
 *
 * November 2026 (Shanghai time):
 * - Mon 11-02 09:xx  two answers, a form started, two questions out of scope (one is an XSS attempt)
 * - Tue 11-03 14:xx  an answer, the 火锅店 question again, a complaint start and 转人工:
 *                    answered by staff after 2 minutes, closed after 10, rated 5
 * - Wed 11-04 20:xx  火锅店 once more, an angry citizen handed over: answered after 6 minutes,
 *                    closed after 30, rated 2 (a follow-up ticket); a complaint filed; an appointment booked
 * - Mon 11-30 23:59  the last minute of the month still counts
 * - Sat 10-31 23:59 and Tue 12-01 00:00  outside the month
 */
import type { TestApp } from './app.js';
import { login, type StaffClient, say, staffMember } from './staff.js';

export const SEED_MONTH = { from: '2026-11-01', to: '2026-11-30' } as const;
export const XSS = '<script>alert(1)</script>';
export const HOTPOT = ['附近有没有好吃的火锅店', '请问附近有没有好吃的火锅店啊？', '附近有沒有好吃的火鍋店!!'] as const;

export interface SeedRecord {
  /** Citizen messages sent inside the month, and by whom. */
  messages: number;
  citizens: Set<string>;
  handoffIds: string[];
}

const at = (iso: string) => Date.parse(`${iso}+08:00`);

export async function seedServiceMonth(t: TestApp, setNow: (ms: number) => void): Promise<SeedRecord> {
  const record: SeedRecord = { messages: 0, citizens: new Set(), handoffIds: [] };
  let clock = 0;
  const moveTo = (iso: string) => {
    clock = at(iso);
    setNow(clock);
  };
  const later = (seconds: number) => {
    clock += seconds * 1000;
    setNow(clock);
  };
  const inMonth = () => clock >= at('2026-11-01T00:00:00') && clock < at('2026-12-01T00:00:00');
  const citizen = async (userId: string, text: string) => {
    const turn = await say(t, userId, text);
    if (inMonth()) {
      record.messages++;
      record.citizens.add(userId);
    }
    later(20);
    return turn;
  };
  let agent: StaffClient | undefined;
  // Sessions expire by the test clock, so the agent logs in again on each day the desk works.
  const agentToday = async () => {
    agent = agent ? await login(t.app, 'analyst-agent', 'analyst-agent-password-1') : await staffMember(t, 'analyst-agent', 'agent');
    return agent;
  };
  const handOver = async (userId: string, text: string, replyAfter: number, closeAfter: number, rating: string) => {
    const turn = await citizen(userId, text);
    const id = turn.events.find((e) => e.type === 'handoff.requested')?.id;
    if (!id) throw new Error(`"${text}" did not hand over: ${JSON.stringify(turn.replies)}`);
    record.handoffIds.push(id);
    const created = clock - 20_000;
    const staff = await agentToday();
    setNow(created + 30_000);
    await expectOk(staff.post(`/api/staff/handoffs/${id}/claim`));
    setNow(created + replyAfter * 1000);
    await expectOk(staff.post(`/api/staff/handoffs/${id}/reply`, { text: '您好，我是坐席，请讲。' }));
    setNow(created + closeAfter * 1000);
    await expectOk(staff.post(`/api/staff/handoffs/${id}/close`, { resolution: 'answered' }));
    clock = created + closeAfter * 1000 + 60_000;
    setNow(clock);
    await citizen(userId, rating);
  };

  moveTo('2026-10-31T23:59:00');
  await citizen('early-bird', '居住证怎么续签');

  moveTo('2026-11-02T09:05:00');
  await citizen('c-01', '居住证怎么续签');
  await citizen('c-02', '公积金怎么提取');
  await citizen('c-03', HOTPOT[0]);
  await citizen('c-04', XSS);
  await citizen('c-01', '身份证丢了怎么补办');

  moveTo('2026-11-03T14:10:00');
  await citizen('c-05', '居住证怎么续签');
  await citizen('c-06', HOTPOT[1]);
  await citizen('c-07', '我要投诉');
  await handOver('c-07', '转人工', 120, 600, '5');

  moveTo('2026-11-04T20:00:00');
  await citizen('c-08', HOTPOT[2]);
  await handOver('c-09', '什么破机器人，答非所问', 360, 1800, '2 等太久了');
  await citizen('c-10', '我要投诉');
  await citizen('c-10', '楼下饭店油烟太大了，每天晚上熏得窗户都打不开');
  await citizen('c-10', '浦东新区张江路88弄');
  await citizen('c-10', '13912345678');
  await citizen('c-10', '对');
  await citizen('c-11', '下周三上午在浦东预约办居住证');
  await citizen('c-11', '是的');

  moveTo('2026-11-30T23:59:00');
  await citizen('c-12', '社保卡怎么办理');

  moveTo('2026-12-01T00:00:00');
  await citizen('late-owl', '居住证怎么续签');
  return record;
}

async function expectOk(res: Promise<{ statusCode: number; json: () => any }>): Promise<void> {
  const r = await res;
  if (r.statusCode !== 200) throw new Error(`staff call failed: ${r.statusCode} ${JSON.stringify(r.json())}`);
}

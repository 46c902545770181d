/**
 * Every citizen message leaves a trace for review and analytics: its parse,
 * the model version that made it, what the assistant did, where the
 * conversation stood — with personal data masked in everything meant for
 * review. (What followed — a handoff, a rating — is joined from those
 * tables by conversation and time: test/review/review-api.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { say } from '../helpers/staff.js';

let t: TestApp;
const clock = () => new Date('2026-11-25T10:00:00+08:00');

beforeAll(async () => {
  t = await startApp({ clock });
});
afterAll(async () => t.close());

type Row = {
  author: string;
  text: string;
  masked_text: string;
  intent: string;
  score: number;
  model_version: string;
  outcome: string;
  trace: string;
};

function citizenRows(): Row[] {
  const db = openDatabase(t.dbFile);
  try {
    return db.prepare("SELECT * FROM messages WHERE author = 'citizen' ORDER BY id").all() as Row[];
  } finally {
    db.close();
  }
}

describe('the trace of a citizen message', () => {
  it('records the parse, the model version, what the assistant did and the stage, with personal data masked', async () => {
    const version = (await t.app.inject({ method: 'GET', url: '/readyz' })).json().model;
    await say(t, 'c1', '我要投诉');
    await say(t, 'c1', '小区门口垃圾没人清理，我的电话是13812345678');
    await say(t, 'c2', '帮我讲个笑话');
    const [complaint, detail, joke] = citizenRows();

    expect(complaint).toMatchObject({ intent: 'complaint', model_version: version, outcome: 'slot_prompt' });
    expect(complaint?.score).toBeGreaterThan(0.5);
    const first = JSON.parse(complaint?.trace ?? '{}');
    expect(first.stage).toBe('idle');
    expect(first.alternatives.length).toBeLessThanOrEqual(3);
    expect(first.alternatives[0]).toEqual({ intent: 'complaint', score: expect.any(Number) });

    const second = JSON.parse(detail?.trace ?? '{}');
    expect(second.stage).toBe('form');
    expect(detail?.masked_text).toBe('小区门口垃圾没人清理，我的电话是138****5678');
    expect(JSON.stringify(second)).not.toContain('13812345678');
    expect(second.entities).toContainEqual({ type: 'phone', text: '138****5678' });

    expect(joke).toMatchObject({ intent: 'None', outcome: 'fallback', model_version: version });
  });
});

describe('the trace of a follow-up', () => {
  it('records the topic and aspect the message was read with', async () => {
    await say(t, 'f1', '身份证过期了怎么换');
    await say(t, 'f1', '在哪里办');
    await say(t, 'f2', '需要带什么材料');
    const rows = citizenRows();
    const followUp = rows.find((r) => r.text === '在哪里办');
    expect(JSON.parse(followUp?.trace ?? '{}').topic).toEqual({ topic: 'id_card', aspect: 'place', via: 'follow_up' });
    expect(followUp?.outcome).toBe('answer');
    const noTopic = rows.find((r) => r.text === '需要带什么材料');
    expect(JSON.parse(noTopic?.trace ?? '{}').topic).toEqual({ topic: null, aspect: 'materials', via: 'ask_topic' });
    // A question read on its own words carries no topic trace.
    expect(JSON.parse(rows.find((r) => r.text === '身份证过期了怎么换')?.trace ?? '{}').topic).toBeUndefined();
  });
});

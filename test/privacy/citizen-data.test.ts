/** A citizen's data: forgetting leaves no personal data behind, export and delete on request, retention. */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RetentionJob } from '../../src/privacy/retention.js';
import { SqlitePrivacyStore } from '../../src/storage/sqlite/privacy-store.js';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { say, staffMember } from '../helpers/staff.js';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
const ID = '310101199001011234';

/** A complaint with a phone, an ID number in the text, a handoff with a note, and a rating. */
async function citizenWithHistory(t: TestApp, userId: string) {
  for (const text of ['我要投诉', `楼下饭店油烟扰民，我身份证${ID}`, '徐汇区漕溪北路88号', '13812345678', '是的'])
    await say(t, userId, text);
  const agent = await staffMember(t, `agent-${userId}`, 'agent');
  const id = (await say(t, userId, '转人工')).events.find((e) => e.type === 'handoff.requested')?.id as string;
  await agent.post(`/api/staff/handoffs/${id}/claim`);
  await agent.post(`/api/staff/handoffs/${id}/notes`, { text: '市民手机13812345678，要求回电' });
  await agent.post(`/api/staff/handoffs/${id}/close`, { resolution: 'answered' });
  await say(t, userId, '4 手机13812345678随时可以联系');
  return id;
}

describe('forgetting a citizen', () => {
  it('deletes the conversation and strips personal data from the records that stay', async () => {
    const t = await startApp({ clock: () => new Date('2026-11-25T10:00:00+08:00') });
    try {
      await citizenWithHistory(t, 'forget-me');
      expect((await t.store.tickets())[0]).toMatchObject({ phone: '13812345678' });
      await t.conversations.forget('web', 'forget-me');
      const db = openDatabase(t.dbFile);
      const dump = JSON.stringify({
        tables: ['conversations', 'messages', 'tickets', 'handoffs', 'handoff_notes', 'ratings', 'deliveries', 'appointments'].map(
          (table) => db.prepare(`SELECT * FROM ${table}`).all(),
        ),
      });
      db.close();
      expect(dump).not.toContain('13812345678');
      expect(dump).not.toContain(ID);
      expect(dump).not.toContain('forget-me');
      expect(dump).not.toContain('漕溪北路');
      const [ticket] = await t.store.tickets();
      expect(ticket).toMatchObject({ userId: '(forgotten)', phone: null, location: null });
      expect(ticket?.description).toContain('油烟扰民');
    } finally {
      await t.close();
    }
  });
});

describe('npm run citizen:export / citizen:delete', () => {
  it('exports everything held about one citizen, and deletes it only with --yes', async () => {
    const t = await startApp({ clock: () => new Date('2026-11-25T10:00:00+08:00') });
    await citizenWithHistory(t, 'asks-for-data');
    await say(t, 'someone-else', '居住证怎么续签');
    await t.close();
    const env = { ...process.env, DATA_DIR: path.dirname(t.dbFile), LOG_LEVEL: 'silent' };
    const out = path.join(path.dirname(t.dbFile), 'export.json');
    const args = ['scripts/citizen-data.ts', 'export', '--channel', 'web', '--user', 'asks-for-data', '--out', out];
    expect((await run(TSX, args, { env })).stdout).toMatch(/exported \d+ messages, 0 appointments, 1 tickets, 1 handoffs/);
    const data = JSON.parse(readFileSync(out, 'utf8'));
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(data.messages.some((m: { text: string }) => m.text === '我要投诉')).toBe(true);
    expect(JSON.stringify(data)).not.toContain('someone-else');
    expect(data.ratings).toMatchObject([{ level: 4 }]);

    const refuse = await run(TSX, ['scripts/citizen-data.ts', 'delete', '--channel', 'web', '--user', 'asks-for-data'], { env }).catch(
      (e) => e,
    );
    expect(refuse.stderr).toMatch(/add --yes/);
    const deleted = await run(TSX, ['scripts/citizen-data.ts', 'delete', '--channel', 'web', '--user', 'asks-for-data', '--yes'], { env });
    expect(deleted.stdout).toMatch(/deleted 1 conversation\(s\)/);
    await run(TSX, [...args.slice(0, -1), `${out}.2`], { env });
    const again = JSON.parse(readFileSync(`${out}.2`, 'utf8'));
    expect(again.messages).toEqual([]);
    const db = openDatabase(t.dbFile);
    const actions = (db.prepare('SELECT action FROM audit_log').all() as Array<{ action: string }>).map((r) => r.action);
    db.close();
    expect(actions).toEqual(expect.arrayContaining(['citizen_export', 'citizen_delete']));
  });
});

/** The retention job as the server runs it, on the app's database file. */
function retentionJob(t: TestApp, days: number, clock: () => Date) {
  const db = openDatabase(t.dbFile);
  const job = new RetentionJob({ store: new SqlitePrivacyStore(db), days, clock, log: pino({ level: 'silent' }) });
  return { job, close: () => db.close() };
}

describe('retention', () => {
  it('erases conversation text older than the retention period and keeps what analytics counts', async () => {
    let now = Date.parse('2026-05-01T10:00:00+08:00');
    const t = await startApp({ clock: () => new Date(now) });
    try {
      await say(t, 'old-citizen', '我的电话13812345678，居住证怎么续签');
      now = Date.parse('2026-11-25T10:00:00+08:00');
      await say(t, 'new-citizen', '公积金怎么提取');
      const { job, close } = retentionJob(t, 180, () => new Date(now));
      const counts = await job.runOnce();
      expect(counts?.messages).toBeGreaterThanOrEqual(2);
      const db = openDatabase(t.dbFile);
      const rows = db.prepare('SELECT text, intent, created_at FROM messages WHERE direction = ? ORDER BY id').all('in') as Array<{
        text: string;
        intent: string;
      }>;
      db.close();
      expect(rows[0]).toMatchObject({ text: '', intent: 'residence_permit' });
      expect(rows[1]?.text).toBe('公积金怎么提取');
      expect(await job.runOnce()).toMatchObject({ messages: 0 });
      close();
    } finally {
      await t.close();
    }
  });

  it('with RETENTION_DAYS 0 keeps every text but still drops records past their use', async () => {
    let now = Date.parse('2026-05-01T10:00:00+08:00');
    const t = await startApp({ clock: () => new Date(now) });
    try {
      await say(t, 'citizen', '我的电话13812345678，居住证怎么续签');
      await t.app.inject({ method: 'POST', url: '/api/staff/login', payload: { name: 'someone', password: 'wrong-password' } });
      now += 3 * 86_400_000;
      const { job, close } = retentionJob(t, 0, () => new Date(now));
      const counts = await job.runOnce();
      close();
      expect(counts).toMatchObject({ loginFailures: 1 });
      expect(counts).not.toHaveProperty('messages');
      const db = openDatabase(t.dbFile);
      const texts = db.prepare('SELECT text FROM messages WHERE direction = ?').all('in') as Array<{ text: string }>;
      db.close();
      expect(texts.map((r) => r.text)).toEqual(['我的电话13812345678，居住证怎么续签']);
    } finally {
      await t.close();
    }
  });
});

describe('reference numbers', () => {
  it("tell a citizen about their own appointment only; another person's number reads as not found", async () => {
    const t = await startApp({ clock: () => new Date('2026-11-25T10:00:00+08:00') });
    try {
      for (const text of ['我想预约办事', '社保卡', '徐汇', '下周一下午', '是的']) await say(t, 'owner', text);
      const [appointment] = await t.store.appointments();
      const reference = appointment?.reference as string;
      expect((await say(t, 'owner', `查询进度 ${reference}`)).replies.map((r) => r.text).join('')).toContain('已预约');
      const stranger = (await say(t, 'stranger', `查询进度 ${reference}`)).replies.map((r) => r.text).join('');
      expect(stranger).toContain(`没有查到您名下编号 ${reference}`);
      expect(stranger).not.toContain('徐汇');
    } finally {
      await t.close();
    }
  });
});

/**
 * The review queue through the public surface: citizens talk to the real
 * app (shipped model), a maintainer labels through /api/staff/review, and
 * the labels land in the corpus directory the server was given.
 */
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { say, staffMember } from '../helpers/staff.js';
import { TINY_CORPUS } from '../helpers/tiny-model.js';

const HELD_OUT = '推荐一本好看的小说';

let now = Date.parse('2026-11-25T10:00:00+08:00');
const clock = () => new Date(now);
let t: TestApp;
let corpusDir: string;

beforeEach(async () => {
  now = Date.parse('2026-11-25T10:00:00+08:00');
  corpusDir = path.join(mkdtempSync(path.join(tmpdir(), 'wz-review-')), 'corpus');
  cpSync(TINY_CORPUS, corpusDir, { recursive: true });
  appendFileSync(path.join(corpusDir, 'test', 'heldout.jsonl'), `${JSON.stringify({ text: HELD_OUT, intent: 'None' })}\n`);
  t = await startApp({ clock, env: { CORPUS_DIR: corpusDir } });
});
afterEach(async () => t.close());

type Item = { key: string; text: string; count: number; examples: string[]; reasons: Record<string, number>; heldout: number };
const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

async function queue(
  client: Awaited<ReturnType<typeof staffMember>>,
  query = '',
): Promise<{ items: Item[]; total: number; intents: Array<{ id: string }> }> {
  const res = await client.get(`/api/staff/review/queue${query}`);
  expect(res.statusCode, JSON.stringify(res.json())).toBe(200);
  return res.json();
}

describe('the review queue', () => {
  it('is for maintainers: agents get 403, strangers 401, a POST without the CSRF token 403', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    expect((await agent.get('/api/staff/review/queue')).json().error.code).toBe('FORBIDDEN');
    const label = await agent.post('/api/staff/review/items/abc/label', { label: 'out_of_scope' });
    expect([label.statusCode, label.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/staff/review/queue' });
    expect([anonymous.statusCode, anonymous.json().error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const maintainer = await staffMember(t, 'li', 'maintainer');
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/staff/review/items/abc/label',
      headers: { cookie: `wz_session=${maintainer.cookie}` },
      payload: { label: 'out_of_scope' },
    });
    expect([noCsrf.statusCode, noCsrf.json().error.code]).toEqual([403, 'CSRF_REJECTED']);
    const admin = await staffMember(t, 'wang', 'admin');
    expect((await admin.get('/api/staff/review/queue')).statusCode).toBe(200);
  });

  it('groups the same unanswered question asked several ways into one item with a count', async () => {
    await say(t, 'c1', '今天股票涨了多少');
    await say(t, 'c2', '今天股票涨了多少？');
    await say(t, 'c3', '请问今天股票涨了多少呀');
    await say(t, 'c4', '今天 股票 涨了多少！！');
    await say(t, 'c5', '怎么养猫');
    const li = await staffMember(t, 'li', 'maintainer');
    const q = await queue(li);
    const stocks = q.items.find((i) => i.text.includes('股票'));
    expect(stocks).toMatchObject({ count: 4, reasons: { fallback: 4 } });
    expect(q.items.filter((i) => i.text.includes('股票'))).toHaveLength(1);
    expect(q.items.find((i) => i.text === '怎么养猫')).toMatchObject({ count: 1 });
    expect(q.intents.map((i) => i.id)).toContain('housing_fund_withdraw');
    expect(q.intents.map((i) => i.id)).not.toContain('None');
  });

  it('writes a label into corpus/reviewed/, audits it, and the item does not come back', async () => {
    await say(t, 'c1', '今天股票涨了多少');
    await say(t, 'c2', '今天股票涨了多少？');
    const li = await staffMember(t, 'li', 'maintainer');
    const item = (await queue(li)).items.find((i) => i.text.includes('股票')) as Item;
    const res = await li.post(`/api/staff/review/items/${item.key}/label`, { label: 'out_of_scope' });
    expect(res.statusCode, JSON.stringify(res.json())).toBe(200);
    expect(res.json().result).toMatchObject({
      label: 'out_of_scope',
      count: 2,
      written: 1,
      file: path.join('reviewed', 'out_of_scope.jsonl'),
    });
    expect(lines(path.join(corpusDir, 'reviewed', 'out_of_scope.jsonl'))).toEqual([
      { text: '今天股票涨了多少', intent: 'out_of_scope', reviewedAt: '2026-11-25T02:00:00.000Z', by: 'li' },
    ]);
    // The corpus loader reads it as a reviewed out-of-scope item.
    const reviewed = loadCorpus(corpusDir).reviewed;
    expect([...reviewed.train, ...reviewed.regression]).toEqual([{ text: '今天股票涨了多少', intent: 'None' }]);

    await say(t, 'c3', '今天股票涨了多少!');
    expect((await queue(li)).items.some((i) => i.text.includes('股票'))).toBe(false);
    const again = await li.post(`/api/staff/review/items/${item.key}/label`, { label: 'out_of_scope' });
    expect(again.json().error.code).toBe('NOT_FOUND');
    const admin = await staffMember(t, 'wang', 'admin');
    const audit = (await admin.get('/api/staff/audit')).json().entries.find((e: { action: string }) => e.action === 'review_label');
    expect(audit).toMatchObject({ staffName: 'li', target: item.key, details: { label: 'out_of_scope', written: 1, via: 'console' } });
  });

  it('labels an item once when two maintainers label it at the same moment', async () => {
    await say(t, 'c1', '怎么养猫');
    const li = await staffMember(t, 'li', 'maintainer');
    const wang = await staffMember(t, 'wang', 'maintainer');
    const [item] = (await queue(li)).items;
    const results = await Promise.all([
      li.post(`/api/staff/review/items/${item?.key}/label`, { label: 'out_of_scope' }),
      wang.post(`/api/staff/review/items/${item?.key}/label`, { label: 'greeting' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, expect.any(Number)]);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.find((r) => r.statusCode !== 200)?.json().error.code).toMatch(/^(ALREADY_REVIEWED|NOT_FOUND)$/);
    const written = [
      ...lines(path.join(corpusDir, 'reviewed', 'out_of_scope.jsonl')),
      ...lines(path.join(corpusDir, 'reviewed', 'greeting.jsonl')),
    ];
    expect(written).toHaveLength(1);
  });

  it('refuses intents the model does not know, and writes proposals where training does not read them', async () => {
    await say(t, 'c1', '怎么养猫');
    const li = await staffMember(t, 'li', 'maintainer');
    const [item] = (await queue(li)).items;
    const unknown = await li.post(`/api/staff/review/items/${item?.key}/label`, { label: 'pet_care' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([400, 'UNKNOWN_INTENT']);
    const existing = await li.post(`/api/staff/review/items/${item?.key}/label`, { label: 'new:greeting' });
    expect(existing.json().error.message).toMatch(/already exists/);
    const proposed = await li.post(`/api/staff/review/items/${item?.key}/label`, { label: 'new:pet_care', note: '宠物登记和养犬证' });
    expect(proposed.statusCode, JSON.stringify(proposed.json())).toBe(200);
    expect(proposed.json().result).toMatchObject({ label: 'new:pet_care', file: path.join('proposed', 'pet_care.jsonl') });
    expect(lines(path.join(corpusDir, 'proposed', 'pet_care.jsonl'))).toEqual([
      { text: '怎么养猫', intent: 'pet_care', reviewedAt: expect.any(String), by: 'li', note: '宠物登记和养犬证' },
    ]);
    const corpus = loadCorpus(corpusDir);
    expect([...corpus.reviewed.train, ...corpus.reviewed.regression]).toEqual([]);
    expect((await queue(li)).items).toEqual([]);
  });

  it('refuses to write a text that is a held-out test line, and says why', async () => {
    await say(t, 'c1', HELD_OUT);
    const li = await staffMember(t, 'li', 'maintainer');
    const item = (await queue(li)).items.find((i) => i.text === HELD_OUT) as Item;
    expect(item.heldout).toBe(1);
    const res = await li.post(`/api/staff/review/items/${item.key}/label`, { label: 'out_of_scope' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'HELDOUT_TEXT',
      message: expect.stringContaining('测试集'),
      details: { texts: [HELD_OUT] },
    });
    expect(existsSync(path.join(corpusDir, 'reviewed', 'out_of_scope.jsonl'))).toBe(false);
    // Refused, not labelled: it stays in the queue.
    expect((await queue(li)).items.some((i) => i.key === item.key)).toBe(true);
  });

  it('shows the topic a follow-up was read with, so a follow-up miss can be labelled like any other', async () => {
    await say(t, 'c1', '需要带什么材料');
    const li = await staffMember(t, 'li', 'maintainer');
    const item = (await queue(li)).items.find((i) => i.text === '需要带什么材料') as Item & { topic: unknown };
    expect(item).toMatchObject({ reasons: { fallback: 1 }, topic: { topic: null, aspect: 'materials', via: 'ask_topic' } });
  });

  it('queues the messages that led to a handoff, and marks those whose handoff was rated badly', async () => {
    const agent = await staffMember(t, 'zhangmin', 'agent');
    await say(t, 'c1', '居住证怎么续签');
    const turn = await say(t, 'c1', '转人工');
    const id = turn.events.find((e) => e.type === 'handoff.requested')?.id;
    await agent.post(`/api/staff/handoffs/${id}/claim`);
    await agent.post(`/api/staff/handoffs/${id}/close`, { resolution: 'referred' });
    await say(t, 'c1', '非常不满意');
    const li = await staffMember(t, 'li', 'maintainer');
    const q = await queue(li, '?reason=bad_rating');
    expect(q.items.map((i) => i.text).sort()).toEqual(['居住证怎么续签', '转人工'].sort());
    expect(q.items[0]?.reasons).toMatchObject({ escalated: 1, bad_rating: 1 });
    // The rating message itself is not a question to review.
    expect((await queue(li)).items.some((i) => i.text === '非常不满意')).toBe(false);
  });

  it('leaves out answers to a form, which parse poorly on their own by design', async () => {
    await say(t, 'c1', '我要预约');
    // Alone, 上午 parses as a greeting with a low score; here it answers the form.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/parse', payload: { text: '上午' } })).json().score).toBeLessThan(0.6);
    expect((await say(t, 'c1', '上午')).conversation.state).toBe('form');
    await say(t, 'c2', '怎么养猫');
    const li = await staffMember(t, 'li', 'maintainer');
    expect((await queue(li)).items.map((i) => i.text)).toEqual(['怎么养猫']);
  });

  it('serves the review page with a CSP that allows only its own script and style', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/console/review' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[^']+'/);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
    expect(res.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

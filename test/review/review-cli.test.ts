/**
 * review:export and review:import as a maintainer runs them: against the
 * database a server wrote and the corpus it was configured with.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelHolder } from '../../src/nlu/model-holder.js';
import { ModelStore } from '../../src/nlu/model-store.js';
import type { ExportLine } from '../../src/review/exchange.js';
import { openDatabase } from '../../src/storage/sqlite/sqlite.js';
import { SqliteStaffStore } from '../../src/storage/sqlite/staff-store.js';
import { startApp } from '../helpers/app.js';
import { say } from '../helpers/staff.js';
import { TINY_CORPUS, tinyModel } from '../helpers/tiny-model.js';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');

const root = mkdtempSync(path.join(tmpdir(), 'wz-review-cli-'));
const dataDir = path.join(root, 'data');
const corpusDir = path.join(root, 'corpus');
const env = { DATA_DIR: dataDir, CORPUS_DIR: corpusDir, LOG_LEVEL: 'silent' };

async function cli(script: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(TSX, [`scripts/${script}.ts`, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const readJsonl = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

// The export's line shape is the one src/review/exchange.ts writes.
type Line = ExportLine;

describe('review:export and review:import', () => {
  const exported = path.join(root, 'queue.jsonl');

  beforeAll(async () => {
    cpSync(TINY_CORPUS, corpusDir, { recursive: true });
    const model = await tinyModel();
    const store = new ModelStore(path.join(dataDir, 'models'));
    store.save(model);
    store.activate(model.version);
    const t = await startApp({
      clock: () => new Date(),
      dbFile: path.join(dataDir, 'wenzheng.db'),
      env: { CORPUS_DIR: corpusDir },
      models: new ModelHolder(model),
    });
    for (const [user, text] of [
      ['c1', '住房基金能领吗'],
      ['c2', '住房基金能领吗？'],
      ['c3', '怎么养猫'],
      ['c4', '电池放哪'],
      ['c5', '给我讲个故事'],
    ]) {
      await say(t, user as string, text as string);
    }
    await t.close();
  });

  it('exports one line per item with an empty label', async () => {
    const res = await cli('review-export', ['--out', exported]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/item\(s\) \(\d+ messages\) written to/);
    const lines = readJsonl(exported) as Line[];
    const fund = lines.find((l) => l.text.startsWith('住房基金能领吗'));
    expect(fund).toMatchObject({ count: 2, predicted: 'housing_fund_withdraw', reason: 'fallback', label: '', note: '' });
    expect(Object.keys(fund as Line).sort()).toEqual(['count', 'examples', 'key', 'label', 'note', 'predicted', 'reason', 'score', 'text']);
    expect(lines.map((l) => l.text)).toEqual(expect.arrayContaining(['怎么养猫', '电池放哪', '给我讲个故事']));
  });

  it('rejects a file naming an unknown intent, with its line number, and applies nothing', async () => {
    const lines = readJsonl(exported) as Line[];
    const bad = lines.map((l, i) => ({ ...l, label: i === 0 ? 'housing_fund_withdraw' : i === 1 ? 'pet_stuff' : '' }));
    const file = path.join(root, 'bad.jsonl');
    writeFileSync(file, bad.map((l) => JSON.stringify(l)).join('\n'));
    const res = await cli('review-import', [file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${file}:2: unknown intent "pet_stuff"`);
    expect(existsSync(path.join(corpusDir, 'reviewed'))).toBe(false);
  });

  it('applies the labels like the console: corpus files, refusals, counts and the audit log', async () => {
    const labels: Record<string, [string, string?]> = {
      住房基金能领吗: ['housing_fund_withdraw'],
      怎么养猫: ['new:pet_care', '养宠物登记'],
      给我讲个故事: ['out_of_scope'],
    };
    const lines = (readJsonl(exported) as Line[]).map((l) => {
      const [label = '', note = ''] = labels[l.text.replace(/[？?]$/, '')] ?? [];
      return { ...l, label, note };
    });
    const file = path.join(root, 'labelled.jsonl');
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const res = await cli('review-import', [file, '--by', 'zhao']);
    expect(res.code, res.stderr).toBe(0);
    // 给我讲个故事 is a held-out line of the tiny corpus: the leak check refuses it.
    expect(res.stdout).toMatch(
      /labelled 2 item\(s\), 2 text\(s\) written to the corpus; 0 already labelled or no longer queued; 1 refused \(held-out text\); \d+ without a label/,
    );
    expect(res.stdout).toMatch(/labelled\.jsonl:\d+: 该问法与测试集/);
    expect(readJsonl(path.join(corpusDir, 'reviewed', 'housing_fund_withdraw.jsonl'))).toEqual([
      { text: '住房基金能领吗', intent: 'housing_fund_withdraw', reviewedAt: expect.any(String), by: 'zhao' },
    ]);
    expect(readJsonl(path.join(corpusDir, 'proposed', 'pet_care.jsonl'))).toEqual([
      { text: '怎么养猫', intent: 'pet_care', reviewedAt: expect.any(String), by: 'zhao', note: '养宠物登记' },
    ]);
    expect(existsSync(path.join(corpusDir, 'reviewed', 'out_of_scope.jsonl'))).toBe(false);

    const db = openDatabase(path.join(dataDir, 'wenzheng.db'));
    const audit = (await new SqliteStaffStore(db).auditLog(10)).filter((e) => e.action === 'review_label');
    db.close();
    expect(audit.map((e) => (e.details as { label: string; by: string; via: string }).label).sort()).toEqual([
      'housing_fund_withdraw',
      'new:pet_care',
    ]);
    expect(
      audit.every((e) => (e.details as { by: string; via: string }).by === 'zhao' && (e.details as { via: string }).via === 'import'),
    ).toBe(true);

    // Importing the same file again changes nothing; the export no longer holds what was labelled.
    const again = await cli('review-import', [file, '--by', 'zhao']);
    expect(again.stdout).toMatch(
      /labelled 0 item\(s\), 0 text\(s\) written to the corpus; 2 already labelled or no longer queued; 1 refused/,
    );
    const next = await cli('review-export', []);
    const texts = next.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as Line).text);
    expect(texts).toEqual(expect.arrayContaining(['电池放哪', '给我讲个故事']));
    expect(texts.some((t) => t.startsWith('住房基金') || t === '怎么养猫')).toBe(false);
  });
});

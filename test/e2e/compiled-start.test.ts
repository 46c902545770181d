/**
 * What `npm start` runs: `npm run build` compiles src/ to dist/ and copies
 * the pages beside it, and `node dist/main.js` serves from there, with the
 * worker threads started from their compiled modules.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { INTEGRATOR, shippedModel, TEST_INTEGRATION_KEY } from '../helpers/app.js';

describe('the compiled server (npm start)', () => {
  it('builds dist/ and serves the chat page, the console and messages from it, parse thread included', async () => {
    await promisify(execFile)('npm', ['run', '-s', 'build'], { timeout: 120_000 });
    expect(existsSync('dist/main.js')).toBe(true);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wz-dist-'));
    const version = shippedModel().version;
    cpSync(inject('shippedModelDir'), path.join(dataDir, 'models', version), { recursive: true });
    writeFileSync(path.join(dataDir, 'models', 'CURRENT'), `${version}\n`);
    // The dispatch model too, or the first start would train it before listening.
    const dispatchVersion = JSON.parse(readFileSync(path.join(inject('dispatchModelDir'), 'manifest.json'), 'utf8')).version;
    cpSync(inject('dispatchModelDir'), path.join(dataDir, 'dispatch-models', dispatchVersion), { recursive: true });
    writeFileSync(path.join(dataDir, 'dispatch-models', 'CURRENT'), `${dispatchVersion}\n`);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        PARSE_THREADS: '1',
        INTEGRATION_API_KEY: TEST_INTEGRATION_KEY,
      },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      const threads = async () => {
        try {
          return /wenzheng_parse_threads_ready (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1];
        } catch {
          return undefined;
        }
      };
      for (let i = 0; i < 300 && (await threads()) !== '1'; i++) await sleep(100);
      expect(await threads()).toBe('1');
      expect((await fetch(`${base}/`)).status).toBe(200);
      expect(await (await fetch(`${base}/console`)).text()).toContain('<html');
      const res = await fetch(`${base}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...INTEGRATOR },
        body: JSON.stringify({ userId: 'compiled-1', text: '公积金怎么提取' }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { parse: { intent: string } }).parse.intent).toBe('housing_fund_withdraw');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 180_000);
});

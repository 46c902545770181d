/**
 * Real server processes for the fleet tests: each instance is `node --import
 * tsx src/main.ts` (the product's own runner) on an ephemeral port, with its
 * own DATA_DIR, sharing one PostgreSQL database and one models directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_INTEGRATION_KEY } from './integrator.js';

export interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  /** The last lines the process wrote (for a failing test's message). */
  tail(): string;
  stop(): Promise<void>;
}

export function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `wz-fleet-${name}-`));
  // node itself (not the tsx wrapper), so that a SIGKILL hits the server.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      INTEGRATION_API_KEY: TEST_INTEGRATION_KEY,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stderr?.on('data', keep);
  const tail = () => lines.slice(-30).join('\n');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in 90 s:\n${tail()}`));
    }, 90_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      keep(chunk);
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(chunk.toString('utf8'));
      if (!m?.[1]) return;
      clearTimeout(timer);
      resolve({
        name,
        url: m[1],
        child,
        tail,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killed);
        },
      });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${tail()}`));
    });
  });
}

/** A models directory holding the test model as CURRENT, and a second copy under another version. */
export function sharedModels(shippedModelDir: string, second: string): { dir: string; first: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wz-fleet-models-'));
  const manifest = JSON.parse(readFileSync(path.join(shippedModelDir, 'manifest.json'), 'utf8')) as { version: string };
  const first = manifest.version;
  cpSync(shippedModelDir, path.join(dir, first), { recursive: true });
  mkdirSync(path.join(dir, second));
  cpSync(shippedModelDir, path.join(dir, second), { recursive: true });
  writeFileSync(path.join(dir, second, 'manifest.json'), JSON.stringify({ ...manifest, version: second }, null, 2));
  writeFileSync(path.join(dir, 'CURRENT'), `${first}\n`);
  return { dir, first };
}

/** Logs a staff member in over HTTP; calls carry the session cookie and CSRF token. */
export async function staffLogin(base: string, name: string, password: string) {
  const res = await fetch(`${base}/api/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  const cookie = /wz_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  if (!cookie) throw new Error('no session cookie');
  const headers = { cookie, 'x-csrf-token': csrfToken };
  return {
    headers,
    post: async (url: string, body?: object) => {
      const r = await fetch(`${base}${url}`, {
        method: 'POST',
        headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, body: (await r.json()) as any };
    },
  };
}

/**
 * npm run bench:webhook — the JSON message API and the Official Account
 * webhook in safe mode over HTTP against a bare Fastify route returning fixed
 * XML, on this machine, in one run. Each server runs in its own process: the
 * product as `npm start` runs it (built first, then `node dist/main.js`,
 * logging at LOG_LEVEL, default info, into a file; per-user and per-IP
 * limits raised, as the benchmark is one IP sending for 200 citizens);
 * autocannon drives it from this one with messages drawn from the held-out
 * split: 200 citizens, some of them running a whole appointment form; on the
 * webhook each message is signed and encrypted with a new MsgId. Saturation
 * (50 connections) and a fixed 500 messages/s, after a short warm-up. The
 * webhook is measured twice: as configured by default (parsing on the event
 * loop) and with BENCH_PARSE_THREADS (default 1) parse threads.
 *
 * Besides throughput and latency it prints the CPU each message cost, in
 * ms: the server process's (all its threads, from /proc) and this
 * client's (signing, encrypting, sending). On a machine this size they
 * share the cores, so the CPU per message says more about the server than
 * the ratio to the bare route, whose figure is the client's own ceiling.
 *
 * "500/s" is autocannon's overallRate: each connection may send its share
 * of 500 per wall-clock second, as fast as the server answers, then waits
 * for the next second. So the load comes as a burst at the top of each
 * second with 20 requests in flight: the p99 is that of a server busy
 * with 20 concurrent messages, not of evenly spaced arrivals.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, statSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { encrypt } from '../src/channels/wechat-oa/crypto.js';
import { sha1Sorted } from '../src/channels/wechat-oa/signature.js';
import { cliConfig, runCli } from '../src/cli/common.js';
import { loadCorpus } from '../src/nlu/corpus.js';

const TOKEN = 'benchtoken';
const APPID = 'wxbench0000000001';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const FORM = ['我想预约办事', '社保卡', '徐汇', '下周一', '下午', '是的'];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BENCH_API_KEY = 'bench-integration-key-0123456789abcdef';
const WARM_UP_SECONDS = 3;
const PARSE_THREADS = Number(process.env.BENCH_PARSE_THREADS ?? 1);
// Linux's USER_HZ: /proc reports CPU time in these ticks.
const CLOCK_TICKS = 100;

/** The bare Fastify route (scripts/bench-server.ts). */
function startBare(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    // node itself (not the tsx wrapper, which forks) so the pid's peak RSS is the server's.
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-server.ts', 'bare'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.once('data', (d: Buffer) => resolve({ url: d.toString().trim(), child }));
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
}

/** The product as `npm start` runs it: node dist/main.js (built by the caller), ready when /readyz says so. */
async function startProduct(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const log = openSync(path.join(env.DATA_DIR as string, 'server.log'), 'a');
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      RATE_LIMIT_USER_PER_MINUTE: '1000000000',
      RATE_LIMIT_IP_PER_MINUTE: '1000000000',
      INTEGRATION_API_KEY: BENCH_API_KEY,
    },
    // Straight into the file: the log costs the server what it costs in production, and this process nothing.
    stdio: ['ignore', log, 'inherit'],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not become ready within a minute');
}

function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

runCli(async () => {
  const config = cliConfig();
  // What `npm start` would build: the benchmark measures the product as it runs.
  execFileSync('npm', ['run', '-s', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const texts = loadCorpus(config.CORPUS_DIR).test.map((r) => r.text);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wz-bench-'));
  cpSync(config.modelsDir, path.join(dataDir, 'models'), { recursive: true });
  const env = {
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    WECHAT_TOKEN: TOKEN,
    WECHAT_APPID: APPID,
    WECHAT_SECRET: 'unused',
    WECHAT_AES_KEY: KEY,
    WECHAT_API_BASE: 'http://127.0.0.1:9',
  };
  let seq = 0;
  let msgId = BigInt(Date.now()) * 1000n;
  // The n-th message of the run: a citizen and the next line of their script.
  const next = () => {
    const n = seq++;
    const user = n % 200;
    const text = user < 20 ? (FORM[Math.floor(n / 200) % FORM.length] as string) : (texts[n % texts.length] as string);
    return { n, user, text };
  };
  // Signed and sealed as WeChat would.
  const webhookRequest = (req: object) => {
    const { n, user, text } = next();
    const now = Math.floor(Date.now() / 1000);
    const xml = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[o-bench-${user}]]></FromUserName><CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${msgId++}</MsgId></xml>`;
    const sealed = encrypt(KEY, xml, APPID);
    const nonce = String(n);
    const ts = String(now);
    const q = new URLSearchParams({
      signature: sha1Sorted([TOKEN, ts, nonce]),
      timestamp: ts,
      nonce,
      encrypt_type: 'aes',
      msg_signature: sha1Sorted([TOKEN, ts, nonce, sealed]),
    });
    return {
      ...req,
      method: 'POST',
      path: `/wechat?${q}`,
      headers: { 'content-type': 'text/xml' },
      body: `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[${sealed}]]></Encrypt></xml>`,
    };
  };
  const jsonRequest = (req: object) => {
    const { user, text } = next();
    return {
      ...req,
      method: 'POST',
      path: '/api/v1/messages',
      // As an integrator naming its users: a fixed set of conversations, as before the cookie identity.
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_KEY}` },
      body: JSON.stringify({ userId: `web-bench-${user}`, text }),
    };
  };
  // CPU seconds of a process so far, all its threads (the parse threads included), from /proc.
  const cpuMs = (pid: number) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS);
  };
  const run = async (
    server: { url: string; child: ChildProcess },
    setupRequest: (req: object) => object,
    rate?: number,
    seconds = SECONDS,
  ) => {
    const serverBefore = cpuMs(server.child.pid as number);
    const clientBefore = process.cpuUsage();
    const r = await autocannon({
      url: server.url,
      connections: rate ? 20 : 50,
      duration: seconds,
      overallRate: rate,
      requests: [{ setupRequest } as never],
    });
    const client = process.cpuUsage(clientBefore);
    const perMessage = (ms: number) => ms / Math.max(1, r.requests.total);
    return {
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors + r.non2xx,
      total: r.requests.total,
      serverCpu: perMessage(cpuMs(server.child.pid as number) - serverBefore),
      clientCpu: perMessage((client.user + client.system) / 1000),
    };
  };
  const load = () => os.loadavg()[0]?.toFixed(2) ?? '?';
  const loadBefore = load();
  const bare = await startBare(env);
  const bareSat = await run(bare, webhookRequest);
  const bare500 = await run(bare, webhookRequest, 500);
  bare.child.kill();
  const app = await startProduct(env);
  // JIT, the date recognizer's cache: paid before anything is measured.
  const warm = await run(app, webhookRequest, undefined, WARM_UP_SECONDS);
  const jsonSat = await run(app, jsonRequest);
  const appSat = await run(app, webhookRequest);
  const json500 = await run(app, jsonRequest, 500);
  const app500 = await run(app, webhookRequest, 500);
  const rss = peakRssMb(app.child.pid as number);
  app.child.kill();
  // The same app with understanding on a worker thread (PARSE_THREADS), on its own database.
  const threadsDir = mkdtempSync(path.join(tmpdir(), 'wz-bench-'));
  cpSync(config.modelsDir, path.join(threadsDir, 'models'), { recursive: true });
  const threaded = await startProduct({ ...env, DATA_DIR: threadsDir, PARSE_THREADS: String(PARSE_THREADS) });
  await run(threaded, webhookRequest, undefined, WARM_UP_SECONDS);
  const threadedSat = await run(threaded, webhookRequest);
  const threaded500 = await run(threaded, webhookRequest, 500);
  const threadedRss = peakRssMb(threaded.child.pid as number);
  threaded.child.kill();
  const messages = warm.total + jsonSat.total + appSat.total + json500.total + app500.total;
  const sizeMb = (f: string) => (existsSync(f) ? statSync(f).size / 1e6 : 0);
  const dbMb = sizeMb(path.join(dataDir, 'wenzheng.db'));
  const walMb = sizeMb(path.join(dataDir, 'wenzheng.db-wal'));
  const row = (name: string, r: Awaited<ReturnType<typeof run>>, ceiling?: number) =>
    `${name.padEnd(38)} ${r.rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${String(r.errors).padStart(7)} ${r.serverCpu.toFixed(2).padStart(9)} ${r.clientCpu.toFixed(2).padStart(9)} ${ceiling ? `${((r.rps / ceiling) * 100).toFixed(0)}%` : ''}`.trimEnd();
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, ${new Date().toISOString()}, ${SECONDS} s per phase, load average ${loadBefore} before, ${load()} after; app logging at ${env.LOG_LEVEL}`,
  );
  console.log(
    `${'path'.padEnd(38)} ${'msg/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'server CPU'.padStart(9)} ${'client CPU'.padStart(9)} of bare`,
  );
  console.log(row('bare Fastify route, saturation', bareSat));
  console.log(row('JSON message API, saturation', jsonSat, bareSat.rps));
  console.log(row('webhook safe mode, saturation', appSat, bareSat.rps));
  console.log(row(`webhook, ${PARSE_THREADS} parse thread(s), saturation`, threadedSat, bareSat.rps));
  console.log(row('bare Fastify route, 500/s', bare500));
  console.log(row('JSON message API, 500/s', json500));
  console.log(row('webhook safe mode, 500/s', app500));
  console.log(row(`webhook, ${PARSE_THREADS} parse thread(s), 500/s`, threaded500));
  console.log(
    `app server peak RSS ${rss.toFixed(0)} MB (with ${PARSE_THREADS} parse thread(s): ${threadedRss.toFixed(0)} MB); database after ${messages} messages: ${dbMb.toFixed(1)} MB (+ ${walMb.toFixed(1)} MB WAL)`,
  );
});

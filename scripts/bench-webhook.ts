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
 *
 * `-- --store postgres --instances 1,2` measures instead the webhook on
 * PostgreSQL (a fresh database on PG_BENCH_URL, default the local server)
 * with 1 and 2 instances (separate processes sharing one models directory),
 * next to today's SQLite single instance in the same run. With several
 * instances the load is spread as a round-robin balancer would: one
 * autocannon per instance, each with its share of the connections and the
 * rate, drawing from one sequence of messages, so one citizen's messages
 * land on every instance; p50 is the mean of theirs, p99 the worst. Server
 * CPU sums every instance and the PostgreSQL processes serving the
 * benchmark's database (its backends, the WAL writer, checkpointer and
 * background writer).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, statSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { encrypt } from '../src/channels/wechat-oa/crypto.js';
import { sha1Sorted } from '../src/channels/wechat-oa/signature.js';
import { cliConfig, runCli } from '../src/cli/common.js';
import { loadCorpus } from '../src/nlu/corpus.js';
import { createDatabase, dropDatabase } from '../src/storage/postgres/admin.js';
import { databaseBytes, serverPids } from '../src/storage/postgres/server-figures.js';

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
  const { values } = parseArgs({
    options: { store: { type: 'string', default: 'sqlite' }, instances: { type: 'string', default: '1,2' } },
  });
  if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store is sqlite or postgres');
  const instances = values.instances.split(',').map(Number);
  if (instances.some((n) => !Number.isInteger(n) || n < 1 || n > 8))
    throw new Error('--instances is a list of counts from 1 to 8, e.g. 1,2');
  const options = { store: values.store, instances };
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
  if (options.store === 'postgres') {
    await benchPostgres({ env, modelsDir: config.modelsDir, instances: options.instances, webhookRequest, cpuMs, load, loadBefore });
    return;
  }
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

type Server = { url: string; child: ChildProcess };
type Result = {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  total: number;
  serverCpu: number;
  databaseCpu: number;
  clientCpu: number;
};

/** The webhook on PostgreSQL with 1, 2 … instances, next to the SQLite single instance (see the header). */
async function benchPostgres(o: {
  env: Record<string, string>;
  modelsDir: string;
  instances: number[];
  webhookRequest: (req: object) => object;
  cpuMs: (pid: number) => number;
  load: () => string;
  loadBefore: string;
}): Promise<void> {
  const adminUrl = process.env.PG_BENCH_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
  const cpu = (pid: number): number | null => {
    try {
      return o.cpuMs(pid);
    } catch {
      return null; // gone
    }
  };
  const runFleet = async (servers: Server[], rate?: number, seconds = SECONDS, pgUrl?: string): Promise<Result> => {
    const instances = new Set<number>(servers.map((s) => s.child.pid as number));
    const watched = new Set<number>(instances);
    if (pgUrl) for (const pid of await serverPids(pgUrl)) watched.add(pid);
    const before = new Map([...watched].map((pid) => [pid, cpu(pid)]));
    const clientBefore = process.cpuUsage();
    const results = await Promise.all(
      servers.map((server) =>
        autocannon({
          url: server.url,
          connections: Math.ceil((rate ? 20 : 50) / servers.length),
          duration: seconds,
          overallRate: rate ? rate / servers.length : undefined,
          requests: [{ setupRequest: o.webhookRequest } as never],
        }),
      ),
    );
    const client = process.cpuUsage(clientBefore);
    if (pgUrl) for (const pid of await serverPids(pgUrl)) watched.add(pid);
    let serverMs = 0;
    let databaseMs = 0;
    for (const pid of watched) {
      const now = cpu(pid);
      if (now === null) continue;
      serverMs += now - (before.get(pid) ?? 0);
      if (!instances.has(pid)) databaseMs += now - (before.get(pid) ?? 0);
    }
    const total = results.reduce((n, r) => n + r.requests.total, 0);
    return {
      rps: results.reduce((n, r) => n + r.requests.average, 0),
      p50: results.reduce((n, r) => n + r.latency.p50, 0) / results.length,
      p99: Math.max(...results.map((r) => r.latency.p99)),
      errors: results.reduce((n, r) => n + r.errors + r.non2xx, 0),
      total,
      serverCpu: serverMs / Math.max(1, total),
      databaseCpu: databaseMs / Math.max(1, total),
      clientCpu: (client.user + client.system) / 1000 / Math.max(1, total),
    };
  };
  const rows: Array<{ name: string; sat: Result; at500: Result; messages: number; dbMb: number }> = [];

  // Today's default: one instance on SQLite.
  const sqliteDir = mkdtempSync(path.join(tmpdir(), 'wz-bench-'));
  cpSync(o.modelsDir, path.join(sqliteDir, 'models'), { recursive: true });
  const single = await startProduct({ ...o.env, DATA_DIR: sqliteDir });
  const warm = await runFleet([single], undefined, WARM_UP_SECONDS);
  const sat = await runFleet([single]);
  const at500 = await runFleet([single], 500);
  single.child.kill();
  const file = path.join(sqliteDir, 'wenzheng.db');
  const walFile = `${file}-wal`;
  const dbMb = ((existsSync(file) ? statSync(file).size : 0) + (existsSync(walFile) ? statSync(walFile).size : 0)) / 1e6;
  rows.push({ name: 'SQLite, 1 instance', sat, at500, messages: warm.total + sat.total + at500.total, dbMb });

  for (const n of o.instances) {
    const name = `wz_bench_${process.pid}_${n}`;
    const url = await createDatabase(adminUrl, name);
    const models = mkdtempSync(path.join(tmpdir(), 'wz-bench-models-'));
    cpSync(o.modelsDir, models, { recursive: true });
    const servers: Server[] = [];
    try {
      // One after the other: the first migrates the empty database.
      for (let i = 0; i < n; i++) {
        servers.push(
          await startProduct({ ...o.env, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'wz-bench-')), DATABASE_URL: url, MODELS_DIR: models }),
        );
      }
      const warmed = await runFleet(servers, undefined, WARM_UP_SECONDS, url);
      const s = await runFleet(servers, undefined, SECONDS, url);
      const r = await runFleet(servers, 500, SECONDS, url);
      rows.push({
        name: `PostgreSQL, ${n} instance${n > 1 ? 's' : ''}`,
        sat: s,
        at500: r,
        messages: warmed.total + s.total + r.total,
        dbMb: (await databaseBytes(url)) / 1e6,
      });
    } finally {
      for (const server of servers) server.child.kill();
      await new Promise((r) => setTimeout(r, 500));
      await dropDatabase(adminUrl, name);
    }
  }
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, ${new Date().toISOString()}, ${SECONDS} s per phase, load average ${o.loadBefore} before, ${o.load()} after; webhook in safe mode, logging at ${o.env.LOG_LEVEL}`,
  );
  console.log(
    `${'store'.padEnd(24)} ${'sat msg/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'CPU ms'.padStart(7)} ${'of db'.padStart(6)} | ${'500/s p50'.padStart(9)} ${'p99'.padStart(6)} ${'CPU ms'.padStart(7)} ${'of db'.padStart(6)} ${'errors'.padStart(6)} | database`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(24)} ${r.sat.rps.toFixed(0).padStart(9)} ${r.sat.p50.toFixed(0).padStart(7)} ${r.sat.p99.toFixed(0).padStart(7)} ${r.sat.serverCpu.toFixed(2).padStart(7)} ${r.sat.databaseCpu.toFixed(2).padStart(6)} | ${r.at500.p50.toFixed(0).padStart(9)} ${r.at500.p99.toFixed(0).padStart(6)} ${r.at500.serverCpu.toFixed(2).padStart(7)} ${r.at500.databaseCpu.toFixed(2).padStart(6)} ${String(r.sat.errors + r.at500.errors).padStart(6)} | ${r.dbMb.toFixed(1)} MB after ${r.messages} messages`,
    );
  }
  console.log(
    'CPU ms: server CPU per message, every instance plus (on PostgreSQL) the database server processes serving it; of db: the part of it spent in PostgreSQL',
  );
}

/**
 * Opens the SQLite database (the only file that imports better-sqlite3) and
 * brings its schema up to date. WAL mode: readers never block the writer,
 * and a crash loses nothing that was committed.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // Citizens' personal data: readable by the service's user only, whatever the umask.
  if (file !== ':memory:') for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/**
 * Another connection to a database the server has opened (and migrated):
 * for a worker thread that reads beside the serving connection.
 */
export function openConnection(file: string): Db {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  for (const [i, sql] of MIGRATIONS.entries()) {
    const version = i + 1;
    if (applied.has(version)) continue;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now());
    })();
  }
}

// SQLite's default: checkpoint in the commit that takes the WAL past 1,000 pages.
const AUTO_CHECKPOINT_PAGES = 1000;

// The checkpointing side: its own connection to the same file. PASSIVE
// checkpoints never wait for, nor block, the writer, but under a steady load
// they never finish either (new frames arrive meanwhile), and the WAL is
// only reused from its start once a checkpoint has caught up: it grew to
// 900 MB in a benchmark. So once the WAL passes RESTART_FRAMES, a RESTART
// checkpoint takes the write lock for the little PASSIVE left over and lets
// the next commit start the WAL again.
const RESTART_FRAMES = 2000;
const CHECKPOINT_WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const Database = require(workerData.driver);
  const db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const timer = setInterval(() => {
    try {
      const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
      if (passive && passive.log > workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
    } catch {}
  }, workerData.intervalMs);
  parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Moves WAL checkpoints off the event loop. The automatic checkpoint runs on
 * the committing thread: it copies the WAL back into the database and syncs
 * both files, a pause of 15–20 ms every ~120 turns here (a turn's p99.9 was
 * 15–18 ms; with the worker 3–4 ms). A worker thread with a second
 * connection does the checkpoints instead, so a commit only appends to the
 * WAL, and waits at most for a RESTART's short hold of the write lock. Durability is unchanged: a commit is
 * in the WAL either way, and checkpointing is SQLite's own. If the worker
 * fails, the automatic checkpoint comes back.
 */
export function checkpointInBackground(db: Db, intervalMs = 200): { stop(): Promise<void> } {
  if (db.memory) return { stop: async () => {} };
  const worker = new Worker(CHECKPOINT_WORKER, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: db.name,
      intervalMs,
      restartFrames: RESTART_FRAMES,
    },
  });
  db.pragma('wal_autocheckpoint = 0');
  const restore = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  const exited = new Promise<void>((resolve) => {
    worker.once('error', () => {});
    worker.once('exit', () => {
      restore();
      resolve();
    });
  });
  // Never keeps the process alive by itself.
  worker.unref();
  return {
    stop: () => {
      worker.postMessage('stop');
      return exited;
    },
  };
}

/**
 * Copies the database with SQLite's online backup API: consistent, and safe
 * while the server keeps writing (pages changed during the copy are copied
 * again). Returns the number of pages written.
 */
export async function backupDatabase(db: Db, destination: string): Promise<number> {
  mkdirSync(path.dirname(destination), { recursive: true });
  const result = await db.backup(destination);
  chmodSync(destination, 0o600);
  return result.totalPages;
}

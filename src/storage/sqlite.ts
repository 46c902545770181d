/**
 * Opens the SQLite database (the only file that imports better-sqlite3) and
 * brings its schema up to date. WAL mode: readers never block the writer,
 * and a crash loses nothing that was committed.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
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

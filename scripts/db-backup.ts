/**
 * npm run db:backup [-- --out FILE] — an online, consistent copy of the
 * database (SQLite's backup API), safe while the server runs. Default
 * destination: DATA_DIR/backups/wenzheng-<UTC time>.db.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { backupDatabase, openDatabase } from '../src/storage/sqlite/sqlite.js';

runCli(async () => {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const config = cliConfig();
  if (config.DATABASE_URL)
    throw new AppError('BAD_REQUEST', 'db:backup copies the SQLite file; on PostgreSQL (DATABASE_URL) use pg_dump (docs/deploy.md)');
  if (!existsSync(config.databaseFile))
    throw new AppError('DATA_INVALID', `no database at ${config.databaseFile} (start the server once first)`);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const out = path.resolve(values.out ?? path.join(config.DATA_DIR, 'backups', `wenzheng-${stamp}.db`));
  if (existsSync(out)) throw new AppError('BAD_REQUEST', `${out} already exists; choose another --out`);
  const db = openDatabase(config.databaseFile);
  try {
    const pages = await backupDatabase(db, out);
    console.log(`backed up ${config.databaseFile} to ${out} (${pages} pages)`);
  } finally {
    db.close();
  }
});

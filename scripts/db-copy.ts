/**
 * npm run db:copy -- --to postgres://user:pass@host:5432/db [--from FILE]
 * Copies an embedded deployment's SQLite database (default DATA_DIR's) into
 * an empty PostgreSQL database (its migrations applied first), then counts
 * every table on both sides and prints them. Refuses a database that
 * already holds data. Stop the server first, or the copy misses what it
 * writes meanwhile. Model artifacts stay where they are (MODELS_DIR).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { copyIntoPostgres } from '../src/storage/postgres/copy-into-postgres.js';
import { describeUrl } from '../src/storage/postgres/pg-database.js';
import { openDatabase } from '../src/storage/sqlite/sqlite.js';
import { sqliteTables } from '../src/storage/sqlite/sqlite-tables.js';

runCli(async () => {
  const { values } = parseArgs({ options: { to: { type: 'string' }, from: { type: 'string' } } });
  if (!values.to || !/^postgres(ql)?:\/\//.test(values.to))
    throw new AppError('BAD_REQUEST', 'name the target with --to postgres://user:password@host:5432/database');
  const from = path.resolve(values.from ?? cliConfig().databaseFile);
  if (!existsSync(from)) throw new AppError('DATA_INVALID', `no SQLite database at ${from}`);
  const db = openDatabase(from);
  try {
    const started = Date.now();
    const counts = await copyIntoPostgres(sqliteTables(db), values.to);
    const width = Math.max(...counts.map((c) => c.table.length), 5);
    console.log(`${'table'.padEnd(width)}  ${'sqlite'.padStart(9)}  ${'postgres'.padStart(9)}`);
    for (const c of counts) console.log(`${c.table.padEnd(width)}  ${String(c.sqlite).padStart(9)}  ${String(c.postgres).padStart(9)}`);
    const wrong = counts.filter((c) => c.sqlite !== c.postgres);
    if (wrong.length > 0) throw new AppError('DATA_INVALID', `row counts differ in ${wrong.map((c) => c.table).join(', ')}`);
    const rows = counts.reduce((n, c) => n + c.postgres, 0);
    console.log(
      `copied ${rows} rows in ${counts.length} tables from ${from} to ${describeUrl(values.to)} in ${Date.now() - started} ms; every count matches`,
    );
  } finally {
    db.close();
  }
});

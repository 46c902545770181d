/**
 * Copies a SQLite deployment into an empty PostgreSQL database (npm run
 * db:copy): migrations first, then every table, column by column (the two
 * schemas mirror each other name for name), parents before the tables whose
 * foreign keys point at them, in one transaction, so a failed copy leaves
 * the target as empty as it found it. Serial ids carry over and the
 * sequences behind them are moved past the copied ones. Afterwards each
 * table's rows are counted on both sides.
 */
import { AppError } from '../../core/errors.js';
import type { TableSource } from '../sqlite/sqlite-tables.js';
import { migrate } from './migrate.js';
import { describeUrl, PgDatabase, type Queryable } from './pg-database.js';

export interface CopiedTable {
  table: string;
  sqlite: number;
  postgres: number;
}

/** Tables of the fleet's own coordination: not in SQLite, and never copied. */
const OWN_TABLES = new Set(['schema_migrations', 'fleet_jobs', 'fleet_leaders', 'rate_limits', 'app_secrets']);
const BATCH = 500;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function copyIntoPostgres(source: TableSource, url: string): Promise<CopiedTable[]> {
  const db = new PgDatabase(url, { max: 2, applicationName: 'wenzheng-db-copy' });
  try {
    await migrate(db);
    const tables = source.tables();
    const target = await targetColumns(db);
    for (const t of tables) {
      const columns = target.get(t.name);
      if (!columns) throw new AppError('DATA_INVALID', `table ${t.name} is in the SQLite database but not in PostgreSQL's schema`);
      const missing = t.columns.filter((c) => !columns.has(c));
      if (missing.length > 0) throw new AppError('DATA_INVALID', `${t.name}.${missing.join(', ')}: no such column in PostgreSQL`);
    }
    const order = await parentsFirst(
      db,
      tables.map((t) => t.name),
    );
    await db.transaction(async (tx) => {
      // Inside the transaction, so two copies started at once cannot both find the target empty.
      await tx.run(`LOCK TABLE ${order.map(ident).join(', ')} IN EXCLUSIVE MODE`);
      const filled: string[] = [];
      for (const name of [...target.keys()].filter((n) => !OWN_TABLES.has(n))) {
        const { rows } = await tx.run<{ n: number }>(`SELECT COUNT(*)::bigint AS n FROM ${ident(name)}`);
        if ((rows[0]?.n ?? 0) > 0) filled.push(`${name} (${rows[0]?.n} rows)`);
      }
      if (filled.length > 0)
        throw new AppError(
          'CONFLICT',
          `the PostgreSQL database ${describeUrl(url)} is not empty: ${filled.join(', ')}. db:copy fills only an empty database; nothing was copied`,
        );
      for (const name of order) {
        const t = tables.find((x) => x.name === name);
        if (t) await copyTable(tx, source, t.name, t.columns);
      }
      await moveSequences(tx, order);
    });
    const counted: CopiedTable[] = [];
    for (const t of tables) {
      const { rows } = await db.run<{ n: number }>(`SELECT COUNT(*)::bigint AS n FROM ${ident(t.name)}`);
      counted.push({ table: t.name, sqlite: t.rows, postgres: rows[0]?.n ?? 0 });
    }
    return counted;
  } finally {
    await db.close();
  }
}

async function targetColumns(db: PgDatabase): Promise<Map<string, Set<string>>> {
  const { rows } = await db.run<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  const tables = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = tables.get(r.table_name) ?? new Set<string>();
    set.add(r.column_name);
    tables.set(r.table_name, set);
  }
  return tables;
}

/** The tables ordered so that a table comes after every table its foreign keys reference. */
async function parentsFirst(db: PgDatabase, names: string[]): Promise<string[]> {
  const { rows } = await db.run<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  const ordered: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name) || path.includes(name)) return;
    for (const r of rows) if (r.child === name && r.parent !== name && names.includes(r.parent)) visit(r.parent, [...path, name]);
    ordered.push(name);
  };
  for (const n of names) visit(n, []);
  return ordered;
}

async function copyTable(tx: Queryable, source: TableSource, table: string, columns: string[]): Promise<void> {
  const into = `INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')}) VALUES `;
  for (const batch of source.batches(table, columns, BATCH)) {
    const values: unknown[] = [];
    const tuples = batch.map((row) => {
      const start = values.length;
      for (const v of row) values.push(pgValue(v));
      return `(${row.map((_, i) => `$${start + i + 1}`).join(', ')})`;
    });
    await tx.run(into + tuples.join(', '), values);
  }
}

/** PostgreSQL text holds no NUL (SQLite's can); integers beyond 2^53 come from SQLite as bigint. */
function pgValue(v: unknown): unknown {
  if (typeof v === 'string' && v.includes('\u0000')) return v.replaceAll('\u0000', '\uFFFD');
  if (typeof v === 'bigint') return v.toString();
  return v;
}

/** Serial columns continue after the highest copied id. */
async function moveSequences(tx: Queryable, tables: string[]): Promise<void> {
  for (const table of tables) {
    const { rows } = await tx.run<{ column_name: string; seq: string | null }>(
      `SELECT column_name, pg_get_serial_sequence($1, column_name) AS seq FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1`,
      [table],
    );
    for (const { column_name, seq } of rows) {
      if (!seq) continue;
      await tx.run(`SELECT setval($1, COALESCE((SELECT MAX(${ident(column_name)}) FROM ${ident(table)}), 0) + 1, false)`, [seq]);
    }
  }
}

/**
 * A SQLite database read table by table, for copying it elsewhere
 * (npm run db:copy): every table the migrations made (not SQLite's own nor
 * the migration bookkeeping), its columns, its row count and its rows in
 * primary-key order, a batch at a time so a large history never sits in
 * memory whole.
 */
import type { Db } from './sqlite.js';

export interface TableSource {
  tables(): Array<{ name: string; columns: string[]; rows: number }>;
  /** Rows as arrays in `columns` order, `batch` at a time. */
  batches(table: string, columns: string[], batch: number): Iterable<unknown[][]>;
}

const SKIPPED = new Set(['schema_migrations']);
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function sqliteTables(db: Db): TableSource {
  return {
    tables() {
      const names = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{
          name: string;
        }>
      )
        .map((r) => r.name)
        .filter((n) => !SKIPPED.has(n));
      return names.map((name) => ({
        name,
        columns: (db.prepare(`PRAGMA table_info(${ident(name)})`).all() as Array<{ name: string }>).map((c) => c.name),
        rows: (db.prepare(`SELECT COUNT(*) AS n FROM ${ident(name)}`).get() as { n: number }).n,
      }));
    },
    *batches(table, columns, batch) {
      // rowid order is insertion order for these tables (none is WITHOUT ROWID): ids keep their sequence.
      const select = db.prepare(`SELECT ${columns.map(ident).join(', ')} FROM ${ident(table)} ORDER BY rowid`).raw(true);
      let rows: unknown[][] = [];
      for (const row of select.iterate() as Iterable<unknown[]>) {
        rows.push(row);
        if (rows.length === batch) {
          yield rows;
          rows = [];
        }
      }
      if (rows.length > 0) yield rows;
    },
  };
}

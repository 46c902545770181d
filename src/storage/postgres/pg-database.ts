/**
 * The PostgreSQL connection pool (node-postgres; pg is imported only in
 * src/storage/postgres/). Every store runs its SQL through here, so a lost
 * database reads the same everywhere: AppError STORE_UNAVAILABLE (503),
 * while pg.Pool drops the broken connections and opens new ones on demand.
 */
import pg from 'pg';
import { AppError } from '../../core/errors.js';
import type { Row } from '../rows.js';
import type { PoolStats } from '../storage.js';

/** A statement with a name: pg prepares it once per connection, then only binds values. */
export interface Statement {
  name: string;
  text: string;
}

export const sql = (name: string, text: string): Statement => ({ name, text });

export interface Result<R> {
  rows: R[];
  rowCount: number;
}

/** The one thing a store needs: run a statement (on the pool, or inside a transaction). */
export interface Queryable {
  run<R = Row>(q: Statement | string, values?: unknown[]): Promise<Result<R>>;
}

/** The one row an aggregate or RETURNING statement gives. */
export function only<R>(r: Result<R>): R {
  const row = r.rows[0];
  if (row === undefined) throw new Error('expected a row');
  return row;
}

// Epoch milliseconds and counts are BIGINT (int8): read as numbers (exact up
// to 2^53, i.e. for the next 285,000 years of timestamps), as the SQLite
// adapter returns them. NUMERIC (AVG) too.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

// Connection-level failures (class 08, the server shutting down or the
// backend terminated: 57P01-57P03; sockets; pool connect timeout), as
// opposed to a statement's own error (a constraint, bad SQL).
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const CONNECTION_MESSAGES =
  /Connection terminated|connection error|Client was closed|timeout exceeded when trying to connect|not queryable/i;

export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08') || /^57P0[1-3]$/.test(code))) return true;
  return CONNECTION_MESSAGES.test(e.message);
}

const unavailable = (e: unknown): AppError =>
  new AppError('STORE_UNAVAILABLE', `the database is unavailable: ${e instanceof Error ? e.message : String(e)}`);

/** Rethrows a connection failure as STORE_UNAVAILABLE; a statement's own error as it is. */
export function translate(e: unknown): unknown {
  return isConnectionError(e) ? unavailable(e) : e;
}

/** PostgreSQL cannot store NUL in TEXT; SQLite can. A citizen's stray NUL must not fail the turn. */
export const text = (s: string): string => (s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s);

export interface TransactionOptions {
  /** REPEATABLE READ READ ONLY: every statement sees one snapshot (reports). */
  snapshot?: boolean;
}

export class PgDatabase implements Queryable {
  readonly pool: pg.Pool;

  constructor(
    readonly url: string,
    o: { max?: number; onError?: (e: Error) => void; applicationName?: string } = {},
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: o.max ?? 10,
      types,
      // Waiting for a connection longer than this is an outage, not load: fail the turn clearly.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: o.applicationName ?? 'wenzheng',
    });
    // An idle connection whose backend went away (restart, failover,
    // pg_terminate_backend) errors here; the pool has already dropped it.
    this.pool.on('error', (e) => o.onError?.(e));
  }

  /**
   * One statement on any pooled connection. A SELECT that meets connections
   * the server ended while they sat idle is tried on the next one (reading
   * twice is harmless); a write is not, as it may have committed.
   */
  async run<R = Row>(q: Statement | string, values: unknown[] = []): Promise<Result<R>> {
    const query = typeof q === 'string' ? { text: q, values } : { ...q, values };
    if (/^\s*SELECT/i.test(query.text)) return normalise(await queryLive(this.pool, query));
    try {
      return normalise(await this.pool.query(query));
    } catch (e) {
      throw translate(e);
    }
  }

  /**
   * Runs `work` in one transaction on one connection; resolves only after
   * COMMIT. A connection found dead at BEGIN (nothing sent yet) is replaced
   * once; any later connection failure rejects with STORE_UNAVAILABLE, and
   * PostgreSQL rolls the transaction back.
   */
  async transaction<T>(work: (tx: Queryable) => Promise<T>, o: TransactionOptions = {}): Promise<T> {
    // BEGIN runs on a connection known to be alive; a statement after it that meets a dead
    // connection fails the transaction, which PostgreSQL rolls back.
    const { client, release } = await connectLive(this.pool, (c) =>
      c.query(o.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN'),
    );
    try {
      const tx: Queryable = {
        run: async <R>(q: Statement | string, values: unknown[] = []) =>
          normalise<R>(await client.query(typeof q === 'string' ? { text: q, values } : { ...q, values })),
      };
      const result = await work(tx);
      await client.query('COMMIT');
      release();
      return result;
    } catch (e) {
      if (isConnectionError(e)) {
        release(e as Error);
        throw unavailable(e);
      }
      try {
        await client.query('ROLLBACK');
        release();
      } catch (rollbackFailed) {
        release(rollbackFailed as Error);
      }
      throw e;
    }
  }

  stats(): PoolStats {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** A checked-out connection, and how to give it back (with the error that broke it, to drop it). */
export interface LiveConnection {
  client: pg.PoolClient;
  release: (broken?: Error) => void;
}

/**
 * Checks out a connection and runs `first` on it; while that fails on a
 * connection the server ended as it sat idle in the pool (a restart, a
 * failover, pg_terminate_backend), drops it and tries the next. Each try
 * empties one stale slot, so after at most the pool's size a fresh
 * connection is opened; failing to open one (the database really gone) is
 * not retried. Only for a first statement that is safe to run again (BEGIN,
 * taking a lock, a read, a counter).
 */
export async function connectLive<R>(pool: pg.Pool, first: (c: pg.PoolClient) => Promise<R>): Promise<LiveConnection & { result: R }> {
  const tries = (pool.options.max ?? 10) + 1;
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw translate(e);
    }
    // A checked-out connection that dies emits 'error' besides failing its query, and pg.Pool
    // listens only on idle ones: unheard, it would crash the process. Its failed query reports it.
    const ignore = () => {};
    client.on('error', ignore);
    const release = (broken?: Error) => {
      client.removeListener('error', ignore);
      client.release(broken);
    };
    try {
      return { client, release, result: await first(client) };
    } catch (e) {
      if (!isConnectionError(e)) {
        release();
        throw e;
      }
      release(e as Error);
      if (attempt >= tries) throw unavailable(e);
    }
  }
}

/** One statement that is safe to run twice, on a live connection (see connectLive). */
export async function queryLive(pool: pg.Pool, query: pg.QueryConfig): Promise<pg.QueryResult> {
  const { release, result } = await connectLive(pool, (c) => c.query(query));
  release();
  return result;
}

function normalise<R>(r: pg.QueryResult): Result<R> {
  return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
}

/** The URL without its password, for /readyz and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

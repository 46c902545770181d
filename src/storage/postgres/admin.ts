/**
 * Creating and dropping whole databases, from a connection to another one
 * on the same server (the `postgres` maintenance database, say): for tests
 * that each need a fresh database, and for tools that prepare one.
 */
import pg from 'pg';

/** The URL of `database` on the same server as `url`. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const quoted = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`refusing an unusual database name: ${name}`);
  return `"${name}"`;
};

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>, connectTimeoutMs = 5_000): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // A dropped connection also fails the query in flight; unheard, the event would crash the process.
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Whether a PostgreSQL server answers at `url` (within `timeoutMs`). */
export async function postgresAnswers(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    await withClient(url, (c) => c.query('SELECT 1'), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${quoted(name)}`));
  return databaseUrl(adminUrl, name);
}

/** Drops the database, ending whatever connections are still open to it. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`));
}

/** Ends every other session connected to `database` (a lost-connection drill). */
export async function terminateConnections(adminUrl: string, database: string): Promise<number> {
  return withClient(adminUrl, async (c) => {
    const r = await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
      database,
    ]);
    return r.rowCount ?? 0;
  });
}

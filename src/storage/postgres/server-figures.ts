/**
 * Figures about the PostgreSQL server for the benchmark: a database's size,
 * and the processes doing its work (its backends and the server's WAL
 * writer, checkpointer and background writer), whose CPU the benchmark adds
 * to the instances' own.
 */
import pg from 'pg';

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'wenzheng-figures' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseBytes(url: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n));
}

export function serverPids(url: string): Promise<number[]> {
  return withClient(url, async (c) => {
    const r = await c.query(
      `SELECT pid FROM pg_stat_activity
        WHERE (datname = current_database() AND pid <> pg_backend_pid())
           OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
    );
    return r.rows.map((row: { pid: number }) => row.pid);
  });
}

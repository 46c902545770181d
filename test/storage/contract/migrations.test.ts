/** PostgreSQL migrations: versioned, applied once, safe when two instances start at once. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrate } from '../../../src/storage/postgres/migrate.js';
import { PG_MIGRATIONS } from '../../../src/storage/postgres/migrations.js';
import { PgDatabase } from '../../../src/storage/postgres/pg-database.js';
import { describePostgres } from '../../helpers/describe-postgres.js';
import { freshDatabase, type TestDatabase } from '../../helpers/postgres.js';

describePostgres('PostgreSQL migrations', () => {
  let database: TestDatabase;
  const pools: PgDatabase[] = [];
  const pool = () => {
    const p = new PgDatabase(database.url, { max: 2 });
    pools.push(p);
    return p;
  };

  beforeEach(async () => {
    database = await freshDatabase();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
    await database.drop();
  });

  it('applies every migration once when two instances migrate a fresh database at once', async () => {
    const [a, b] = await Promise.all([migrate(pool()), migrate(pool())]);
    const all = PG_MIGRATIONS.map((_, i) => i + 1);
    // One did the work, the other waited on the advisory lock and found it done.
    expect([a, b].sort((x, y) => y.length - x.length)).toEqual([all, []]);
    const { rows } = await pool().run<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(all);
  });

  it('applies only the migrations added since the last start, and a failing one not at all', async () => {
    const p = pool();
    await migrate(p);
    const extra = [...PG_MIGRATIONS, 'CREATE TABLE later_table (id INTEGER)'];
    expect(await migrate(p, extra)).toEqual([extra.length]);
    const broken = [...extra, 'CREATE TABLE half_done (id INTEGER); SELECT no_such_function()'];
    await expect(migrate(p, broken)).rejects.toThrow(/no_such_function/);
    const { rows } = await p.run("SELECT to_regclass('half_done') AS t");
    expect(rows[0]?.t).toBeNull();
    expect((await p.run('SELECT COUNT(*) AS n FROM schema_migrations')).rows[0]?.n).toBe(extra.length);
  });
});

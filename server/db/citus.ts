import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type pg from 'pg';
import { type Conn, selectRows, type Tx } from './client.ts';

// Citus mode (docs/operations.md, "Citus"): on a Citus coordinator every tenant table is distributed
// by workspace_id, all in one colocation group, so that a request, which names one workspace, runs on
// one node; the global tables, read before any workspace is known, are reference tables (a copy on
// every node). The migrations run here one by one instead of through drizzle's migrator: a table is
// distributed right after its CREATE TABLE, because Citus refuses a foreign key from a local table to
// a distributed one, which a later statement of the same migration would add.

/** Global tables: looked up before any workspace is known (Citus reference tables). The rest are tenant tables. */
export const globalTables: ReadonlySet<string> = new Set([
  'workspaces',
  'identities',
  'login_events',
  'login_throttles',
  'rate_limits',
  'jobs',
  'job_schedules',
  'event_cursors',
]);

/** Settings of the migrating connection; set by the code so that no operator has to know them. */
const migrationSettings = [
  // With it on (the default), making `workspaces` a reference table turns every local table that
  // references it into a Citus-local table on the coordinator, which then cannot be distributed.
  `SET citus.enable_local_reference_table_foreign_keys TO off`,
  // record_history refuses changes through a trigger; Citus distributes a table with a trigger (and
  // creates triggers on distributed tables) only with this on. The trigger reads only its own row.
  `SET citus.enable_unsafe_triggers TO on`,
  // A migration creates shards and then alters them in one transaction: one connection per node
  // keeps what an earlier statement did visible to the later ones.
  `SET citus.multi_shard_modify_mode TO 'sequential'`,
  // Migrations touch every shard by nature; the fan-out guard of the tests is for requests.
  `SET citus.multi_task_query_log_level TO off`,
];

type Client = pg.ClientBase;

/** Sets migrationSettings on the migrating connection (session-wide: it is a connection of its own). */
export async function applyMigrationSettings(client: Client) {
  for (const s of migrationSettings) await client.query(s);
}

/** Whether the database is a Citus coordinator (the extension is installed in it). */
export async function isCitus(client: Client): Promise<boolean> {
  const { rows } = await client.query<{ on: boolean }>(`select exists (select 1 from pg_extension where extname = 'citus') as on`);
  return Boolean(rows[0]?.on);
}

/**
 * Applies the pending migrations as drizzle's migrator does (same bookkeeping table, so either may
 * run next), each in a transaction of its own, distributing each new table as it is created; then
 * distributes any table still local (idempotent: a database migrated before Citus mode, or a table
 * a migration created some other way).
 */
export async function migrateOnCitus(client: Client, migrationsFolder: string) {
  await applyMigrationSettings(client);
  await client.query('CREATE SCHEMA IF NOT EXISTS drizzle');
  await client.query(
    'CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)',
  );
  const { rows } = await client.query<{ created_at: string }>(
    'select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1',
  );
  const last = rows[0] ? Number(rows[0].created_at) : null;
  // A new database is migrated as plain PostgreSQL and distributed at the end: the migrations' data
  // statements (backfills) are not all ones Citus can plan over distributed tables, and have nothing
  // to do on an empty database. Once distributed, each new table is distributed as it is created.
  const distributed = (await citusTables(client)).some((t) => t.kind !== null);
  for (const m of readMigrationFiles({ migrationsFolder })) {
    if (last !== null && last >= m.folderMillis) continue;
    await client.query('BEGIN');
    try {
      for (const stmt of m.sql) {
        await client.query(stmt).catch((err: Error) => {
          // Which statement of which migration Citus refused, for the operator.
          err.message = `${err.message} (migration ${m.folderMillis}: ${stmt.trim().slice(0, 300)})`;
          throw err;
        });
        if (distributed && /^\s*create\s+table/i.test(stmt)) await distributeTables(client);
      }
      await client.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', [m.hash, m.folderMillis]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }
  await applyMigrationSettings(client);
  await distributeTables(client);
}

interface TableRow {
  name: string;
  tenant: boolean;
  kind: 'distributed' | 'reference' | 'local' | null;
  column: string | null;
}

/** The public tables, whether each has workspace_id, and what Citus makes of it (null: a plain local table). */
export async function citusTables(client: Client): Promise<TableRow[]> {
  const { rows } = await client.query<TableRow>(`
    select c.relname as name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped) as tenant,
           (select case p.partmethod when 'h' then 'distributed' when 'n' then case when p.repmodel = 't' then 'reference' else 'local' end end
              from pg_dist_partition p where p.logicalrelid = c.oid) as kind,
           (select column_to_column_name(p.logicalrelid, p.partkey) from pg_dist_partition p where p.logicalrelid = c.oid and p.partmethod = 'h') as column
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`);
  return rows;
}

/**
 * Makes every global table a reference table and distributes every other table by workspace_id,
 * colocated with the tenant tables already distributed. A table is distributed after the tables
 * its foreign keys reference. Does nothing for tables Citus already holds as they should be.
 */
export async function distributeTables(client: Client) {
  const tables = await citusTables(client);
  for (const t of tables) {
    if (!globalTables.has(t.name) || t.kind === 'reference') continue;
    if (t.kind === 'local') await client.query('select undistribute_table($1)', [t.name]);
    await client.query('select create_reference_table($1)', [t.name]);
  }
  const pending = tables.filter((t) => !globalTables.has(t.name) && t.kind !== 'distributed');
  if (!pending.length) return;
  for (const t of pending) {
    if (!t.tenant) throw new Error(`citus: table ${t.name} has no workspace_id and is not a global table (server/db/citus.ts)`);
  }
  const { rows: fks } = await client.query<{ from: string; to: string }>(`
    select c.conrelid::regclass::text as from, c.confrelid::regclass::text as to
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where n.nspname = 'public' and c.contype = 'f' and c.conrelid <> c.confrelid`);
  const anchor = tables.find((t) => t.kind === 'distributed')?.name;
  let colocateWith = anchor ?? 'none';
  const done = new Set<string>();
  const names = new Set(pending.map((t) => t.name));
  const visit = async (name: string, path: string[]) => {
    if (done.has(name)) return;
    if (path.includes(name)) throw new Error(`citus: foreign keys form a cycle: ${[...path, name].join(' -> ')}`);
    for (const fk of fks) if (fk.from === name && names.has(fk.to)) await visit(fk.to, [...path, name]);
    const t = pending.find((x) => x.name === name);
    if (t?.kind === 'local') await client.query('select undistribute_table($1)', [name]);
    await client.query(`select create_distributed_table($1, 'workspace_id', colocate_with => $2)`, [name, colocateWith]);
    // The first tenant table starts the colocation group; every later one joins it.
    if (colocateWith === 'none') colocateWith = name;
    done.add(name);
  };
  for (const t of pending) await visit(t.name, []);
}

/**
 * Lets the statements that follow in transaction `tx` run on every shard: for the few named
 * cross-workspace queries (the outbox's readers, house-keeping over all workspaces). The test suite
 * on Citus refuses any other query that fans out (citus.multi_task_query_log_level = error, set on
 * its connections). A placeholder setting on plain PostgreSQL and PGlite, where it changes nothing.
 */
export async function allowFanOut(tx: Conn) {
  // One statement for both (the outbox's readers run this several times a second). The second: one
  // connection per node for the rest of the transaction, since after a read over many shards in
  // parallel Citus refuses to write a reference table (identities) in the same transaction.
  await tx.execute(
    sql`select set_config('citus.multi_task_query_log_level', 'off', true), set_config('citus.multi_shard_modify_mode', 'sequential', true)`,
  );
}

/**
 * Runs `run` in a transaction (a savepoint inside one) whose queries may run on every shard, then
 * puts the caller's setting back: a named cross-workspace query (which workspaces a login belongs
 * to, house-keeping over every workspace). See allowFanOut.
 */
export async function acrossWorkspaces<T>(conn: Conn, run: (tx: Tx) => Promise<T>): Promise<T> {
  return conn.transaction(async (tx) => {
    const [{ was }] = await selectRows<{ was: string | null }>(
      tx,
      sql`select current_setting('citus.multi_task_query_log_level', true) as was`,
    );
    await allowFanOut(tx);
    const out = await run(tx);
    if (was) await tx.execute(sql`select set_config('citus.multi_task_query_log_level', ${was}, true)`);
    return out;
  });
}

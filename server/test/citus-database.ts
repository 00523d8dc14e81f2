import pg from 'pg';
import { workerDatabaseUrl } from './db-kind.ts';

// Vitest global setup of the Citus project: one database per vitest worker on the cluster
// (CITUS_TEST_DATABASE_URL names the coordinator's, as ../shared/citus/cluster.sh prints it; worker
// n gets `<name>_w<n>`, as on PostgreSQL, server/test/db-kind.ts says why), made afresh on every
// node before the run, so that every run proves the migrations and the distribution from zero.
// Dropping the schema would not do: the extension keeps views (citus_tables) in it.

async function on<T>(url: URL, run: (c: pg.Client) => Promise<T>) {
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

export default async function setup() {
  const raw = process.env.CITUS_TEST_DATABASE_URL;
  if (!raw) return;
  const coordinator = new URL(raw);
  const nodes = await on(coordinator, async (c) => {
    const { rows } = await c.query<{ host: string; port: number; group: number }>(
      `select nodename as host, nodeport as port, groupid as group from pg_dist_node where noderole = 'primary' order by groupid`,
    );
    return rows;
  });
  const all = [{ host: coordinator.hostname, port: Number(coordinator.port || 5432), group: 0 }, ...nodes.filter((n) => n.group !== 0)];
  // Worker ids run from 1 to maxWorkers (vitest.config.ts); each database costs a second or two.
  for (let pool = 1; pool <= 2; pool++) await makeDatabase(new URL(workerDatabaseUrl(raw, String(pool))), all);
}

/** Database `url` (on the coordinator) afresh on every node, with the extension and the nodes registered. */
async function makeDatabase(coordinator: URL, all: { host: string; port: number }[]) {
  const name = coordinator.pathname.slice(1);
  const ident = `"${name.replace(/"/g, '""')}"`;
  const at = (host: string, port: number, db: string) => {
    const u = new URL(coordinator);
    u.hostname = host;
    u.port = String(port);
    u.pathname = `/${db}`;
    return u;
  };
  for (const n of all) {
    await on(at(n.host, n.port, 'postgres'), async (c) => {
      await c.query(`drop database if exists ${ident} with (force)`);
      await c.query(`create database ${ident}`);
    });
    await on(at(n.host, n.port, name), (c) => c.query('create extension citus'));
  }
  await on(coordinator, async (c) => {
    await c.query('select citus_set_coordinator_host($1, $2)', [coordinator.hostname, Number(coordinator.port || 5432)]);
    for (const n of all.slice(1)) await c.query('select citus_add_node($1, $2)', [n.host, n.port]);
    // Fewer shards than the default 32: the suite's data is small, and each shard is a table to create.
    await c.query(`alter database ${ident} set citus.shard_count = 4`);
  });
}

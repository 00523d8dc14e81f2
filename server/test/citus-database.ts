import pg from 'pg';

// Vitest global setup of the Citus project: the cluster's database (CITUS_TEST_DATABASE_URL, the
// coordinator's, as ../shared/citus/cluster.sh prints it) made afresh on every node before the run,
// so that every run proves the migrations and the distribution from zero. Dropping the schema would
// not do: the extension keeps views (citus_tables) in it.

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
  const name = coordinator.pathname.slice(1);
  const ident = `"${name.replace(/"/g, '""')}"`;
  const nodes = await on(coordinator, async (c) => {
    const { rows } = await c.query<{ host: string; port: number; group: number }>(
      `select nodename as host, nodeport as port, groupid as group from pg_dist_node where noderole = 'primary' order by groupid`,
    );
    return rows;
  });
  const at = (host: string, port: number, db: string) => {
    const u = new URL(coordinator);
    u.hostname = host;
    u.port = String(port);
    u.pathname = `/${db}`;
    return u;
  };
  const all = [{ host: coordinator.hostname, port: Number(coordinator.port || 5432), group: 0 }, ...nodes.filter((n) => n.group !== 0)];
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

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../test/harness.ts';
import { applyMigrationSettings, distributeTables, globalTables } from './citus.ts';

// On Citus only (the 'citus' vitest project runs `*.citus.test.ts`; the others leave them out, so
// that no run skips a test): a tenant table that appears after the database was
// distributed (a later migration's) is distributed by the next `rapport migrate`, into the same
// colocation group, and a second run changes nothing.
describe('Citus distribution', () => {
  // On Citus (the 'citus' vitest project), what `rapport migrate` made of each table: a request names
  // one workspace, so it runs on one node only if every tenant table is split by workspace_id and all
  // of them are split alike (one colocation group); global tables are copied to every node.
  it('distributes every tenant table by workspace_id, colocated, and every global table as a reference table', async () => {
    const db = await testDatabase();
    const rows = await db.query<{ name: string; kind: string | null; column: string | null; colocation: number | null }>(`
      select c.relname as name, t.citus_table_type as kind, t.distribution_column as column, t.colocation_id as colocation
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      left join citus_tables t on t.table_name = c.oid::regclass
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition`);
    expect(rows.length).toBeGreaterThan(15);
    const tenant = rows.filter((r) => !globalTables.has(r.name));
    const bad = [
      ...tenant
        .filter((r) => r.kind !== 'distributed' || r.column !== 'workspace_id')
        .map((r) => `${r.name}: ${r.kind ?? 'local'} by ${r.column}`),
      ...rows
        .filter((r) => globalTables.has(r.name) && r.kind !== 'reference')
        .map((r) => `${r.name}: ${r.kind ?? 'local'}, not reference`),
    ];
    expect(bad).toEqual([]);
    expect(new Set(tenant.map((r) => r.colocation)).size).toBe(1);
  });

  it('distributes a table added later by workspace_id, colocated, and is idempotent', async () => {
    await testDatabase(); // migrated and distributed
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      await applyMigrationSettings(client); // as `rapport migrate` does
      await client.query('drop table if exists citus_later_table');
      await client.query(`create table citus_later_table (workspace_id uuid not null references workspaces (id),
        id uuid not null, primary key (workspace_id, id))`);
      const kind = async (name: string) =>
        (
          await client.query<{ kind: string | null; column: string | null; colocation: number | null }>(
            `select t.citus_table_type as kind, t.distribution_column as column, t.colocation_id as colocation
             from pg_class c left join citus_tables t on t.table_name = c.oid::regclass where c.relname = $1`,
            [name],
          )
        ).rows[0];
      expect((await kind('citus_later_table')).kind).toBeNull();
      await distributeTables(client);
      const later = await kind('citus_later_table');
      const contacts = await kind('contacts');
      expect(later).toEqual({ kind: 'distributed', column: 'workspace_id', colocation: contacts.colocation });
      await distributeTables(client);
      expect(await kind('citus_later_table')).toEqual(later);
      await client.query('drop table citus_later_table');
    } finally {
      await client.end();
    }
  });
});

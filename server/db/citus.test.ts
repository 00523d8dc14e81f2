import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { onCitus, testDatabase } from '../test/harness.ts';
import { applyMigrationSettings, distributeTables } from './citus.ts';

// On Citus only (the 'citus' vitest project): a tenant table that appears after the database was
// distributed (a later migration's) is distributed by the next `rapport migrate`, into the same
// colocation group, and a second run changes nothing.
describe.runIf(onCitus)('Citus distribution', () => {
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

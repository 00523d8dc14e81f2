import { describe, expect, it } from 'vitest';
import { signUp, testDatabase } from '../test/harness.ts';
import { globalTables } from './citus.ts';

// The tenant key is what keeps one customer's data from another's and what lets Citus keep a
// workspace on one node. This reads the live catalog, so a new table cannot forget it.

interface Constraint {
  table: string;
  name: string;
  type: 'p' | 'f' | 'u';
  columns: string[];
  target: string | null;
}

async function constraints(): Promise<Constraint[]> {
  const db = await testDatabase();
  const rows = await db.query<{ table: string; name: string; type: 'p' | 'f' | 'u'; columns: string[] | string; target: string | null }>(`
    select c.conrelid::regclass::text as table, c.conname as name, c.contype as type,
           array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
                 join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as columns,
           nullif(c.confrelid, 0)::regclass::text as target
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where n.nspname = 'public' and c.contype in ('p', 'f', 'u')`);
  // PGlite returns text[] as an array; node-postgres too. Normalise defensively.
  return rows.map((r) => ({ ...r, columns: Array.isArray(r.columns) ? r.columns : String(r.columns).replace(/[{}]/g, '').split(',') }));
}

describe('database catalog', () => {
  it('keys every tenant table by workspace_id first', async () => {
    const db = await testDatabase();
    const tables = (await db.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public'`)).map(
      (t) => t.name,
    );
    expect(tables.length).toBeGreaterThan(15);
    const pks = await constraints();
    const bad: string[] = [];
    for (const t of tables.filter((x) => !globalTables.has(x))) {
      const pk = pks.find((c) => c.table === t && c.type === 'p');
      if (!pk) bad.push(`${t}: no primary key`);
      else if (pk.columns[0] !== 'workspace_id') bad.push(`${t}: primary key (${pk.columns}) does not lead with workspace_id`);
    }
    expect(bad).toEqual([]);
  });

  it('carries workspace_id in every foreign key between tenant tables', async () => {
    const bad = (await constraints())
      .filter((c) => c.type === 'f' && !globalTables.has(c.table) && !globalTables.has(c.target ?? ''))
      .filter((c) => c.columns[0] !== 'workspace_id')
      .map((c) => `${c.table}.${c.name} (${c.columns})`);
    expect(bad).toEqual([]);
  });

  it('leads every unique index of a tenant table with workspace_id', async () => {
    const db = await testDatabase();
    const rows = await db.query<{ table: string; index: string; def: string }>(`
      select t.relname as table, i.relname as index, pg_get_indexdef(i.oid) as def
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and x.indisunique`);
    const bad = rows.filter((r) => !globalTables.has(r.table) && !/\(workspace_id[,)]/.test(r.def)).map((r) => r.def);
    expect(bad).toEqual([]);
  });

  it('refuses to change or remove history rows', async () => {
    const db = await testDatabase();
    const s = await signUp(); // writes the history of the default pipeline
    const [{ n }] = await db.query<{ n: number }>('select count(*)::int as n from record_history where workspace_id = $1', [s.workspaceId]);
    expect(Number(n)).toBeGreaterThan(0);
    await expect(db.query(`update record_history set field = 'x' where workspace_id = $1`, [s.workspaceId])).rejects.toThrow(/append-only/);
    await expect(db.query('delete from record_history where workspace_id = $1', [s.workspaceId])).rejects.toThrow(/append-only/);
  });
});

/**
 * What a database holds, table by table, in a form two databases can be compared by: each table's
 * columns, row count and a hash of every row in primary-key order; each sequence's position; and
 * the schema's indexes, constraints, triggers, views and functions. The restore drill compares a
 * database with its restored backup this way (server/backup/*.test.ts).
 *
 * `query` must run every statement on one session (a pg.Client, a PGlite instance): the time zone
 * and date style set first decide how timestamps are written out for hashing.
 */
export type Query = <T>(text: string) => Promise<T[]>;

export interface DatabaseDigest {
  tables: Record<string, { columns: string; rows: number; hash: string }>;
  sequences: Record<string, string | null>;
  schema: Record<'indexes' | 'constraints' | 'triggers' | 'views' | 'functions' | 'extensions', string[]>;
}

/** Schemas of the database's own objects, not PostgreSQL's. */
const inUserSchema = (c: string) =>
  `${c} not in ('pg_catalog', 'information_schema') and ${c} not like 'pg\\_toast%' and ${c} not like 'pg\\_temp%'`;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function digestDatabase(query: Query): Promise<DatabaseDigest> {
  await query(`set time zone 'UTC'`);
  await query(`set datestyle = 'ISO, YMD'`);
  await query(`set extra_float_digits = 1`);
  const tables = await query<{ schema: string; name: string; columns: string; key: string | null }>(
    `select n.nspname as schema, c.relname as name,
       (select string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
          from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
       (select string_agg(quote_ident(a.attname), ', ' order by k.i)
          from pg_index x cross join lateral unnest(x.indkey) with ordinality as k(attnum, i)
          join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
          where x.indrelid = c.oid and x.indisprimary) as key
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and ${inUserSchema('n.nspname')}
     order by 1, 2`,
  );
  const digest: DatabaseDigest = { tables: {}, sequences: {}, schema: {} as DatabaseDigest['schema'] };
  for (const t of tables) {
    const table = `${ident(t.schema)}.${ident(t.name)}`;
    // Rows in primary-key order (a table without one, in the order of their own text); each row's
    // text has every column, bytes as hex, so a changed byte of a stored file changes the hash.
    const order = t.key ? t.key.replace(/(^|, )/g, '$1r.') : 'r::text';
    const [row] = await query<{ rows: number; hash: string | null }>(
      `select count(*)::int as rows, md5(string_agg(md5(r::text), '' order by ${order})) as hash from ${table} r`,
    );
    digest.tables[`${t.schema}.${t.name}`] = { columns: t.columns, rows: Number(row.rows), hash: row.hash ?? '' };
  }
  for (const s of await query<{ name: string; last: string | null }>(
    `select schemaname || '.' || sequencename as name, last_value::text as last from pg_sequences where ${inUserSchema('schemaname')} order by 1`,
  ))
    digest.sequences[s.name] = s.last;
  const lines = async (text: string) => (await query<{ line: string }>(text)).map((r) => r.line);
  digest.schema = {
    indexes: await lines(`select schemaname || ' ' || indexdef as line from pg_indexes where ${inUserSchema('schemaname')} order by 1`),
    constraints: await lines(
      `select c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) as line
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace where ${inUserSchema('n.nspname')} order by 1`,
    ),
    triggers: await lines(`select pg_get_triggerdef(t.oid) as line from pg_trigger t where not t.tgisinternal order by 1`),
    views: await lines(
      `select schemaname || '.' || viewname || ' ' || md5(definition) as line from pg_views where ${inUserSchema('schemaname')} order by 1`,
    ),
    functions: await lines(
      `select p.oid::regprocedure::text || ' ' || md5(pg_get_functiondef(p.oid)) as line
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace where p.prokind in ('f', 'p') and ${inUserSchema('n.nspname')} order by 1`,
    ),
    extensions: await lines(`select extname || ' ' || extversion as line from pg_extension order by 1`),
  };
  return digest;
}

/** The tables that hold rows: a drill over empty tables would prove little. */
export const filledTables = (d: DatabaseDigest) =>
  Object.entries(d.tables)
    .filter(([, t]) => t.rows > 0)
    .map(([name]) => name);

import { getTableName, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { type Conn, pgArray, selectRows } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import type { FieldChange } from './changes.ts';
import { columnsOf, type ObjectDef, projectionFor } from './object-def.ts';
import { ports } from './ports.ts';

// Set-based writes of many records of one object: what an import writes per batch. Each statement
// takes the whole batch as one JSON parameter (jsonb_to_recordset), so thousands of records cost a
// few round trips, and writes each record's history rows, its event and its search terms as a single
// create or update would. Values are given by the table's keys (`firstName`), as the module's own
// code names them; the engine turns them into columns and types from the table's definition.

/** A record to insert: its columns by key (`id` included; `workspaceId` is the caller's workspace), and how it reads in its history row and `<type>.created` event. */
export interface NewRecord {
  values: Record<string, unknown>;
  after: unknown;
}

/** A record to update: its id, the columns it now holds by key, and the changes its history rows and `<type>.updated` event name. */
export interface ChangedRecord {
  id: string;
  values: Record<string, unknown>;
  changes: FieldChange[];
}

const jsonb = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

/**
 * The columns that `keys` name, in order, with what jsonb_to_recordset reads them as. Every row of
 * a batch must give the same keys: a key one row lacks would be written as NULL over its value.
 */
function columnsFor(def: ObjectDef, rows: { values: Record<string, unknown> }[]) {
  const all = columnsOf(def);
  const keys = Object.keys(rows[0].values);
  for (const r of rows) {
    const given = Object.keys(r.values);
    if (given.length !== keys.length || given.some((k) => !keys.includes(k))) {
      throw new Error(`${def.type}: every record of a set-based write must give the same columns`);
    }
  }
  return keys.map((key) => {
    const column: PgColumn | undefined = Object.hasOwn(all, key) ? all[key] : undefined;
    if (!column) throw new Error(`${def.type} has no column ${key}`);
    return { key, name: column.name, type: column.getSQLType() };
  });
}

/** The batch as rows of `r`, by column name, with extra columns (`after jsonb` …) after the record's. */
function recordset(columns: ReturnType<typeof columnsFor>, rows: Record<string, unknown>[], extra: string) {
  const types = [...columns.map((c) => `${c.name} ${c.type}`), extra].join(', ');
  return sql`select * from jsonb_to_recordset(${jsonb(rows)}) r(${sql.raw(types)})`;
}

const byName = (columns: ReturnType<typeof columnsFor>, values: Record<string, unknown>) =>
  Object.fromEntries(columns.map((c) => [c.name, values[c.key] ?? null]));

/**
 * Inserts new records with their create history rows, `<type>.created` events and search terms,
 * in one statement, in the caller's transaction. created_at and updated_at take the transaction's
 * time (the table's default), which `after` must show as the caller read it (`select now()`).
 */
export async function insertRecords(conn: Conn, ctx: Ctx, def: ObjectDef, rows: NewRecord[]) {
  if (!rows.length) return;
  const columns = columnsFor(def, rows);
  const records = rows.map((r) => ({ ...byName(columns, r.values), after: r.after }));
  const names = sql.raw(columns.map((c) => c.name).join(', '));
  const read = sql.raw(columns.map((c) => `r.${c.name}`).join(', '));
  const { history, events, searchTermsSql } = ports();
  await conn.execute(sql`
    with r as materialized (${recordset(columns, records, 'after jsonb')}),
    inserted as (
      insert into ${sql.identifier(getTableName(def.table))} (workspace_id, ${names})
      select ${ctx.workspaceId}, ${read} from r
      returning *
    ), history as (
      ${history.rowsSql(ctx, def.type, 'create', { recordId: sql`r.id`, field: sql`null`, old: sql`null`, new: sql`r.after`, version: sql`1` }, sql`r`)}
    ), events as (
      ${events.rowsSql(ctx, `${def.type}.created`, def.type, { recordId: sql`r.id`, payload: sql`jsonb_build_object('after', r.after)` }, sql`r`)}
    )
    ${def.search ? searchTermsSql(def, sql`inserted`) : sql`select count(*) from inserted`}`);
}

/**
 * Writes changed records: their new values, version + 1, updated_at, one history row per changed
 * field and a `<type>.updated` event with the changes and the record as it now reads (the object's
 * event shape, built by PostgreSQL from the updated row), then their search terms. Records are
 * expected locked by the caller (read `for update`), in the caller's transaction.
 */
export async function updateRecords(conn: Conn, ctx: Ctx, def: ObjectDef, rows: ChangedRecord[]) {
  if (!rows.length) return;
  const columns = columnsFor(def, rows).filter((c) => c.key !== 'id');
  const records = rows.map((r) => ({ ...byName(columns, r.values), id: r.id, changes: r.changes }));
  const changed = rows.flatMap((r) => r.changes.map((ch) => ({ rid: r.id, field: ch.field, old: ch.old ?? null, new: ch.new ?? null })));
  if (!(def.eventShape ?? def.projection)) throw new Error(`${def.type} has no event shape for set-based updates`);
  const table = sql.identifier(getTableName(def.table));
  const col = (name: string) => sql`${table}.${sql.identifier(name)}`;
  const { history, indexSearch } = ports();
  const updated = await selectRows<{ id: string; changes: FieldChange[] }>(
    conn,
    sql`
    with r as materialized (${recordset(columns, records, 'id uuid, changes jsonb')}),
    upd as (
      update ${table} set ${sql.join(
        columns.map((c) => sql`${sql.identifier(c.name)} = r.${sql.identifier(c.name)}`),
        sql`, `,
      )}${columns.length ? sql`, ` : sql``}"version" = ${col('version')} + 1, "updated_at" = now()
      from r
      where ${col('workspace_id')} = ${ctx.workspaceId} and ${col('id')} = r.id${def.scope ? sql` and ${def.scope}` : sql``}
      returning ${col('id')} as id, ${col('version')} as version, r.changes
    ), history as (
      ${history.rowsSql(
        ctx,
        def.type,
        'update',
        { recordId: sql`h.rid`, field: sql`h.field`, old: sql`h.old`, new: sql`h.new`, version: sql`u.version` },
        sql`jsonb_to_recordset(${jsonb(changed)}) h(rid uuid, field text, old jsonb, new jsonb) join upd u on u.id = h.rid`,
      )}
    )
    select id, changes from upd`,
  );
  await eventsOfWritten(conn, ctx, def, `${def.type}.updated`, updated);
  await indexSearch(
    conn,
    ctx,
    def,
    rows.map((r) => r.id),
  );
}

/**
 * Moves records to the trash, those not there already, with a delete history row and a
 * `<type>.deleted` event each (as a single delete writes them), in one statement, then their
 * search terms. Returns how many it moved. Undoing an import trashes what it created this way.
 */
export async function trashRecords(conn: Conn, ctx: Ctx, def: ObjectDef, ids: readonly string[]) {
  if (!ids.length) return 0;
  if (!(def.eventShape ?? def.projection)) throw new Error(`${def.type} has no event shape for set-based deletes`);
  const table = sql.identifier(getTableName(def.table));
  const col = (name: string) => sql`${table}.${sql.identifier(name)}`;
  const { history, indexSearch } = ports();
  const rows = await selectRows<{ id: string }>(
    conn,
    sql`
    with upd as (
      update ${table} set "deleted_at" = now(), "version" = ${col('version')} + 1, "updated_at" = now()
      where ${col('workspace_id')} = ${ctx.workspaceId} and ${col('id')} = any(${pgArray(ids, 'uuid')})
        and ${col('deleted_at')} is null${def.scope ? sql` and ${def.scope}` : sql``}
      returning ${col('id')} as id, ${col('version')} as version
    ), history as (
      ${history.rowsSql(ctx, def.type, 'delete', { recordId: sql`u.id`, field: sql`null`, old: sql`null`, new: sql`null`, version: sql`u.version` }, sql`upd u`)}
    )
    select id from upd`,
  );
  await eventsOfWritten(conn, ctx, def, `${def.type}.deleted`, rows);
  const moved = rows.map((r) => r.id);
  await indexSearch(conn, ctx, def, moved);
  return moved.length;
}

/**
 * The events of records just written by a set-based statement, one per record, each with the record
 * as it now reads (the object's event shape) and, for an update, its changes. A statement of its own,
 * reading the table after the write: Citus refuses the event shape's functions (json building, time
 * formatting) in RETURNING and its correlated subqueries over a CTE, and here every table the shape
 * reads names the workspace, so the statement stays on one shard.
 */
export async function eventsOfWritten(
  conn: Conn,
  ctx: Ctx,
  def: ObjectDef,
  type: string,
  written: { id: string; changes?: FieldChange[] }[],
) {
  if (!written.length) return;
  const after = def.eventShape ?? def.projection;
  if (!after) return;
  const table = sql.identifier(getTableName(def.table));
  const afterJson = sql`jsonb_build_object(${sql.join(
    Object.entries(projectionFor(after, sql`${ctx.workspaceId}`)).map(([k, v]) => sql`${sql.raw(`'${k}'`)}, ${v}`),
    sql`, `,
  )})`;
  // Read first, then inserted from the values read: Citus plans an INSERT … SELECT whose SELECT holds
  // the shape's correlated subqueries as a join across shards and refuses it, while the same SELECT
  // alone goes to one shard. Read as text, so that numbers keep every digit on the way through.
  const read = await selectRows<{ id: string; after: string }>(
    conn,
    sql`select ${table}.id, (${afterJson})::text as after from ${table}
      where ${table}.workspace_id = ${ctx.workspaceId} and ${table}.id = any(${pgArray(
        written.map((w) => w.id),
        'uuid',
      )})`,
  );
  if (!read.length) return;
  const changes = new Map(written.map((w) => [w.id, w.changes]));
  const payloads = read.map((r) => {
    const ch = changes.get(r.id);
    return `{"id":${JSON.stringify(r.id)},"payload":{${ch ? `"changes":${JSON.stringify(ch)},` : ''}"after":${r.after}}}`;
  });
  await conn.execute(
    ports().events.rowsSql(
      ctx,
      type,
      def.type,
      { recordId: sql`x.id`, payload: sql`x.payload` },
      sql`jsonb_to_recordset(${`[${payloads.join(',')}]`}::jsonb) x(id uuid, payload jsonb)`,
    ),
  );
}

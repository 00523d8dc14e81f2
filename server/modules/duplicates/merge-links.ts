import { and, eq, getTableName, inArray, sql } from 'drizzle-orm';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { columnsOf, type LinkTable, type ObjectDef } from '../../records/object-def.ts';
import { relationFieldsTo } from '../fields/fields.service.ts';
import { writeHistory } from '../history/history.service.ts';
import { defOfKey } from '../objects/objects.service.ts';
import { objectDefs, recordHolders } from '../registry.ts';

// What a merge re-points, and how its undo points it back. Every place that names a record is
// declared by the module that owns it (ObjectDef.linkTables, .references, relation custom fields),
// so this file reads declarations and knows no module's tables by name.

/** A link table's rows a merge moved or dropped, kept to put them back. */
export interface MovedLinks {
  table: string;
  column: string;
  typeColumn: string | null;
  /** The rows as they were (to_jsonb), moved ones and dropped ones. */
  rows: unknown[];
  /** The keys (`key` columns) of the rows now pointing at the survivor. */
  moved: Record<string, string>[];
}

/** A field of another record that named a merged record and now names the survivor. */
export interface MovedReference {
  holder: string;
  /** A custom object's key, when the holder is a custom record. */
  objectKey: string | null;
  id: string;
  /** A column key (`companyId`) or `custom.<key>`. */
  field: string;
  old: string;
}

export interface Repointed {
  links: MovedLinks[];
  references: MovedReference[];
}

const ident = (s: string) => sql.identifier(s);

/** Every link table, of every module, that can name records of `type`. */
function linkTablesFor(type: string): LinkTable[] {
  return [...Object.values(objectDefs), ...recordHolders]
    .flatMap((d) => d.linkTables ?? [])
    .filter((lt) => typeof lt.type !== 'string' || lt.type === type);
}

const typeCond = (lt: LinkTable, alias: string, type: string) =>
  typeof lt.type === 'string' ? sql`` : sql` and ${ident(alias)}.${ident(lt.type.column)} = ${type}`;

/** Moves the rows of one link table that name a merged record onto the survivor; a row the survivor has already is dropped. */
async function moveLinks(conn: Conn, ctx: Ctx, lt: LinkTable, type: string, survivorId: string, mergedIds: string[]): Promise<MovedLinks> {
  const T = ident(lt.table);
  const col = ident(lt.column);
  const rows = await selectRows<{ row: unknown }>(
    conn,
    sql`select to_jsonb(t) as row from ${T} t where t.workspace_id = ${ctx.workspaceId} and t.${col} = any(${pgArray(mergedIds, 'uuid')})${typeCond(lt, 't', type)}`,
  );
  const moved: Record<string, string>[] = [];
  if (!rows.length)
    return { table: lt.table, column: lt.column, typeColumn: typeof lt.type === 'string' ? null : lt.type.column, rows: [], moved };
  const sameKey = sql.join(
    lt.key.map((k) => sql`s.${ident(k)} = t.${ident(k)}`),
    sql` and `,
  );
  const sameType = typeof lt.type === 'string' ? sql`` : sql` and s.${ident(lt.type.column)} = t.${ident(lt.type.column)}`;
  // One merged record at a time: two merged records linked to the same thing would otherwise both move onto one key.
  for (const m of mergedIds) {
    await conn.execute(sql`delete from ${T} t where t.workspace_id = ${ctx.workspaceId} and t.${col} = ${m}${typeCond(lt, 't', type)}
      and exists (select 1 from ${T} s where s.workspace_id = ${ctx.workspaceId} and s.${col} = ${survivorId}${sameType} and ${sameKey})`);
    const demote = lt.demote
      ? sql`, ${ident(lt.demote)} = ${ident(lt.demote)} and not exists (select 1 from ${T} s where s.workspace_id = ${ctx.workspaceId} and s.${col} = ${survivorId} and s.${ident(lt.demote)})`
      : sql``;
    // The moved rows' keys (ids) come back as plain columns and become objects here: Citus refuses
    // json building in RETURNING.
    const keys = await selectRows<Record<string, string>>(
      conn,
      sql`update ${T} t set ${col} = ${survivorId}${demote} where t.workspace_id = ${ctx.workspaceId} and t.${col} = ${m}${typeCond(lt, 't', type)}
        returning ${sql.join(
          lt.key.map((k) => sql`t.${ident(k)} as ${ident(k)}`),
          sql`, `,
        )}`,
    );
    moved.push(...keys.map((k) => Object.fromEntries(lt.key.map((name) => [name, String(k[name])]))));
  }
  return {
    table: lt.table,
    column: lt.column,
    typeColumn: typeof lt.type === 'string' ? null : lt.type.column,
    rows: rows.map((r) => r.row),
    moved,
  };
}

/** Sets one field of some records of `holder` from `from` to `to`, as edits: version + 1 and a history row each. */
async function setReference(
  conn: Conn,
  ctx: Ctx,
  holder: ObjectDef,
  field: string,
  ids: { id: string; from: string }[],
  to: (from: string) => string,
) {
  const t = holder.table;
  const custom = field.startsWith('custom.') ? field.slice('custom.'.length) : null;
  for (const { id, from } of ids) {
    const value = to(from);
    const set = custom
      ? { custom: sql`jsonb_set(${sql.identifier('custom')}, ${`{${custom}}`}::text[], to_jsonb(${value}::text))` }
      : { [field]: value };
    const current = custom ? sql`${sql.identifier('custom')}->>${custom}` : columnsOf(holder)[field];
    const [r] = (await conn
      .update(t)
      .set({ ...set, version: sql`${t.version} + 1`, updatedAt: sql`now()` } as never)
      .where(and(eq(t.workspaceId, ctx.workspaceId), eq(t.id, id), sql`${current}::text = ${from}`, holder.scope))
      .returning({ version: t.version })) as { version: number }[];
    if (r) await writeHistory(conn, ctx, holder.type, id, 'merge', [{ field, old: from, new: value }], r.version);
  }
}

/** The object a relation field lives on: a built-in object, or a custom object by its key. */
async function holderOf(conn: Conn, ctx: Ctx, objectType: string) {
  if (Object.hasOwn(objectDefs, objectType)) return { def: objectDefs[objectType], objectKey: null };
  const def = await defOfKey(conn, ctx, objectType).catch(() => null);
  return def ? { def, objectKey: objectType } : null;
}

/** Re-points every link, reference and relation value naming a merged record to the survivor. */
export async function repoint(conn: Conn, ctx: Ctx, type: string, survivorId: string, mergedIds: string[]): Promise<Repointed> {
  const links: MovedLinks[] = [];
  for (const lt of linkTablesFor(type)) links.push(await moveLinks(conn, ctx, lt, type, survivorId, mergedIds));

  const references: MovedReference[] = [];
  for (const holder of Object.values(objectDefs)) {
    for (const [field, target] of Object.entries(holder.references ?? {})) {
      if (target !== type) continue;
      const t = holder.table;
      const column = columnsOf(holder)[field];
      const rows = (await conn
        .select({ id: t.id, from: column })
        .from(t)
        .where(and(eq(t.workspaceId, ctx.workspaceId), inArray(column, mergedIds)))
        .orderBy(t.id)
        .for('update')) as { id: string; from: string }[];
      await setReference(conn, ctx, holder, field, rows, () => survivorId);
      references.push(...rows.map((r) => ({ holder: holder.type, objectKey: null, id: r.id, field, old: r.from })));
    }
  }
  for (const f of await relationFieldsTo(conn, ctx, type)) {
    const h = await holderOf(conn, ctx, f.objectType);
    if (!h?.def.hasCustom) continue;
    const t = h.def.table;
    const value = sql`${sql.identifier('custom')}->>${f.key}`;
    const rows = (await conn
      .select({ id: t.id, from: sql<string>`${value}` })
      .from(t)
      .where(and(eq(t.workspaceId, ctx.workspaceId), sql`${value} = any(${pgArray(mergedIds, 'text')})`, h.def.scope))
      .orderBy(t.id)
      .for('update')) as { id: string; from: string }[];
    const field = `custom.${f.key}`;
    await setReference(conn, ctx, h.def, field, rows, () => survivorId);
    references.push(...rows.map((r) => ({ holder: h.def.type, objectKey: h.objectKey, id: r.id, field, old: r.from })));
  }
  return { links, references };
}

/** Puts back what `repoint` moved: link rows as they were, references to the merged records. */
export async function unrepoint(conn: Conn, ctx: Ctx, type: string, survivorId: string, done: Repointed) {
  for (const l of done.links) {
    if (!l.rows.length) continue;
    const T = ident(l.table);
    if (l.moved.length) {
      const keys = Object.keys(l.moved[0]);
      const sameKey = sql.join(
        keys.map((k) => sql`t.${ident(k)}::text = k->>${k}`),
        sql` and `,
      );
      await conn.execute(sql`delete from ${T} t where t.workspace_id = ${ctx.workspaceId} and t.${ident(l.column)} = ${survivorId}
        ${l.typeColumn ? sql`and t.${ident(l.typeColumn)} = ${type}` : sql``}
        and exists (select 1 from jsonb_array_elements(${JSON.stringify(l.moved)}::jsonb) k where ${sameKey})`);
    }
    await conn.execute(
      sql`insert into ${T} select * from jsonb_populate_recordset(null::${T}, ${JSON.stringify(l.rows)}::jsonb) on conflict do nothing`,
    );
  }
  for (const r of done.references) {
    const h = r.objectKey ? await holderOf(conn, ctx, r.objectKey) : { def: objectDefs[r.holder] };
    if (!h?.def) continue;
    await setReference(conn, ctx, h.def, r.field, [{ id: r.id, from: survivorId }], () => r.old);
  }
}

/** The rows of some records as JSON (to_jsonb), by id: what a merge keeps to restore them exactly. */
export async function rowsAsJson(conn: Conn, ctx: Ctx, def: ObjectDef, ids: string[]) {
  const rows = await selectRows<{ id: string; row: Record<string, unknown> }>(
    conn,
    sql`select t.id, to_jsonb(t) as row from ${ident(getTableName(def.table))} t where t.workspace_id = ${ctx.workspaceId} and t.id = any(${pgArray(ids, 'uuid')})`,
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.row]));
}

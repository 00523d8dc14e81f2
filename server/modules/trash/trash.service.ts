import { and, eq, getTableName, type SQL, sql } from 'drizzle-orm';
import { type TrashItem, type TrashQuery, type TrashType, trashTypes } from '../../../contract/trash.ts';
import { type Conn, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { findRow } from '../../records/crud.ts';
import { columnsOf, type ObjectDef } from '../../records/object-def.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { dropArchivedValues } from '../fields/fields.service.ts';
import { emitEvent, writeHistory } from '../history/history.service.ts';
import { objectDefs, recordHolders } from '../registry.ts';
import { dropSearchTerms } from '../search/search.service.ts';

/** A type's table and how its records are named (as search and links name them), as SQL over the record `r`. */
function sourceOf(type: TrashType) {
  const def = objectDefs[type];
  if (!def?.title) throw new Error(`${type} has no title to list it in the trash by`);
  return { table: getTableName(def.table), name: def.title };
}

// Trash cursors carry the deletion time in UTC to the microsecond and the record's id.
const cursorRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function decodeCursor(text: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') {
      const [at, id] = v;
      const d = new Date(`${at.slice(0, 23)}Z`);
      if (cursorRe.test(at) && uuidRe.test(id) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 19) === at.slice(0, 19)) {
        if (d.getUTCFullYear() >= 1) return [at, id];
      }
    }
  } catch {}
  throw badRequest('query.cursor', 'bad_cursor', 'cursor is not one this trash listing gave out');
}

/** One type's records in the trash as (type, id, object_key, name, deleted_at) rows. */
function branch(ctx: Ctx, type: TrashType, objectKey: string | undefined): SQL {
  const s = sourceOf(type);
  // The trash lists what the request may see, like every other read (records/visibility.ts).
  const where = visibleWhere(ctx, objectDefs[type] as ObjectDef, 'read', 'r');
  const sees = where ? sql` and ${where}` : sql``;
  if (type === 'custom_record') {
    // A record of an object that is itself in the trash cannot be restored on its own (its routes
    // answer 404 until the object is back), so it is listed with its object, not here.
    return sql`select ${type}::text as type, r.id, t.key as object_key, ${sql.raw(s.name)} as name, r.deleted_at
      from custom_records r
      join object_types t on t.workspace_id = r.workspace_id and t.id = r.object_type_id and t.deleted_at is null
      where r.workspace_id = ${ctx.workspaceId} and r.deleted_at is not null${objectKey ? sql` and t.key = ${objectKey}` : sql``}${sees}`;
  }
  return sql`select ${type}::text as type, r.id, null::text as object_key, ${sql.raw(s.name)} as name, r.deleted_at
    from ${sql.identifier(s.table)} r
    where r.workspace_id = ${ctx.workspaceId} and r.deleted_at is not null${sees}`;
}

type TrashRow = {
  type: TrashType;
  id: string;
  object_key: string | null;
  name: string | null;
  deleted_at: string;
  at: string;
  actor_type: 'member' | 'api_key' | 'system' | null;
  actor_id: string | null;
  merged_into: string | null;
};

/**
 * The records in the trash, of every type or one, newest deletion first, paged by (deleted_at, id).
 * Who deleted a record is not a column of it: it is the actor of its latest `delete` history entry,
 * read per row of the page (the history index leads with workspace, type and record).
 */
export async function listTrash(conn: Conn, ctx: Ctx, q: TrashQuery) {
  const limit = q.limit ?? 50;
  if (q.object && q.type !== 'custom_record') {
    throw badRequest('query.object', 'needs_type', 'object narrows type=custom_record; send both');
  }
  const types = q.type ? [q.type] : trashTypes;
  const union = sql.join(
    types.map((t) => branch(ctx, t, q.object)),
    sql` union all `,
  );
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await selectRows<TrashRow>(
    conn,
    sql`select x.type, x.id, x.object_key, x.name,
          to_char(x.deleted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as deleted_at,
          to_char(x.deleted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at,
          d.actor_type, d.actor_id, m.merged_into
        from (${union}) x
        left join lateral (
          select h.actor_type, h.actor_id from record_history h
          where h.workspace_id = ${ctx.workspaceId} and h.record_type = x.type and h.record_id = x.id and h.action = 'delete'
          order by h.at desc, h.id desc limit 1
        ) d on true
        left join lateral (
          -- A merge writes mergedInto = the survivor before it trashes a record, and mergedInto = null when undone.
          select h.new_value #>> '{}' as merged_into from record_history h
          where h.workspace_id = ${ctx.workspaceId} and h.record_type = x.type and h.record_id = x.id and h.action = 'merge' and h.field = 'mergedInto'
          order by h.at desc, h.id desc limit 1
        ) m on true
        ${after ? sql`where (x.deleted_at, x.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
        order by x.deleted_at desc, x.id desc
        limit ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const data: TrashItem[] = page.map((r) => ({
    type: r.type,
    id: r.id,
    objectKey: r.object_key,
    name: r.name ?? '',
    deletedAt: r.deleted_at,
    deletedBy: r.actor_type ? { actorType: r.actor_type, actorId: r.actor_id } : null,
    mergedInto: r.merged_into,
  }));
  return { data, nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify([last.at, last.id])).toString('base64url') : null };
}

/**
 * Clears a reference another object's records hold to the record being purged (a deal's company, a
 * converted lead's contact), as that object declares it: the column is set to null as an edit of
 * each record, with its version bumped (an open form on it then reloads instead of writing the gone
 * id back) and a history row saying so.
 */
async function clearReference(conn: Conn, ctx: Ctx, holder: ObjectDef, field: string, id: string) {
  const table = holder.table;
  const changed = (await conn
    .update(table)
    .set({ [field]: null, version: sql`${table.version} + 1`, updatedAt: sql`now()` } as never)
    .where(and(eq(table.workspaceId, ctx.workspaceId), eq(columnsOf(holder)[field], id)))
    .returning({ id: table.id, version: table.version })) as { id: string; version: number }[];
  for (const r of changed) await writeHistory(conn, ctx, holder.type, r.id, 'update', [{ field, old: id, new: null }], r.version);
}

/**
 * Removes a record in the trash for good, with what hangs off it: references from other records
 * (cleared as edits of those records) and what each module declares in the registry (`references`,
 * `onPurge`: links from activities and tasks, list memberships), search terms, archived custom values, and its rows in
 * contact–company and deal–contact tables (by cascade). A record not in the trash is refused:
 * deleting for good is a second step, never the first.
 *
 * History is kept, not anonymised: the audit trail must say who removed what and when, after the
 * record is gone (a trigger makes it append-only). Erasing a person's data from history is the
 * separate GDPR erasure, which redacts under a guarded setting; purging is housekeeping.
 */
export async function purgeRecord(conn: Conn, ctx: Ctx, type: TrashType, id: string) {
  const def = objectDefs[type];
  if (!def) throw notFound('Record');
  const row = await findRow<{ deletedAt: Date | null; version: number }>(conn, ctx, def, id, true);
  if (!row.deletedAt) {
    throw conflict('not_in_trash', `This ${def.label.toLowerCase()} is not in the trash; move it to the trash first`);
  }
  const holders = Object.values(objectDefs);
  for (const holder of holders) {
    for (const [field, target] of Object.entries(holder.references ?? {})) {
      if (target === type) await clearReference(conn, ctx, holder, field, id);
    }
  }
  for (const holder of [...holders, ...recordHolders]) await holder.onPurge?.(conn, ctx, type, id);
  await dropSearchTerms(conn, ctx, type, id);
  await dropArchivedValues(conn, ctx, id);
  await conn.delete(def.table).where(and(eq(def.table.workspaceId, ctx.workspaceId), eq(def.table.id, id)));
  await writeHistory(conn, ctx, type, id, 'purge', [{ field: null, old: null, new: null }], row.version);
  await emitEvent(conn, ctx, `${type}.purged`, type, id, { id });
}

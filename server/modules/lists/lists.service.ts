import { and, asc, eq, isNull, ne, type SQL, sql } from 'drizzle-orm';
import { duplicateTypes } from '../../../contract/duplicates.ts';
import { recordTypes } from '../../../contract/enums.ts';
import type {
  ListMember,
  ListMembersQuery,
  RecordList,
  RecordListCreate,
  RecordListQuery,
  RecordListUpdate,
} from '../../../contract/lists.ts';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, badRequest, type FieldError, invalid, notFound } from '../../http/errors.ts';
import { findRow, insertRecord, metaToApi, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import type { ObjectDef } from '../../records/object-def.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { emitEvent } from '../history/history.service.ts';
import { defOfType, findObjectType } from '../objects/objects.service.ts';
import { recordListMembers, recordLists } from './lists.table.ts';

type Row = typeof recordLists.$inferSelect;

/** How the record engine writes a list: versioned, soft-deleted, with history and `list.*` events. */
export const listDef: ObjectDef = {
  type: 'list',
  label: 'List',
  table: recordLists,
  fields: {},
  hasCustom: false,
  defaultSort: 'name',
  // A merge moves its records' memberships to the survivor (record ids are unique across types, so
  // the table needs no type column: one entry per type that can be merged).
  linkTables: duplicateTypes.map((type) => ({ table: 'record_list_members', column: 'record_id', type, key: ['list_id'] })),
  // Purging a record (any type) takes it out of every list, in the purge's transaction.
  onPurge: async (conn, ctx, _type, id) => {
    await conn.delete(recordListMembers).where(and(eq(recordListMembers.workspaceId, ctx.workspaceId), eq(recordListMembers.recordId, id)));
  },
};

/** The built-in objects a list may hold; any live custom object too, by its key. */
const builtIn = recordTypes;

/** The ObjectDef of what a list holds: a built-in object or a live custom object of this workspace; undefined when there is none. */
async function objectDefOf(conn: Conn, ctx: Ctx, objectType: string): Promise<ObjectDef | undefined> {
  if ((builtIn as readonly string[]).includes(objectType)) {
    // Imported when called: the registry imports the modules that import this one.
    const { objectDefs } = await import('../registry.ts');
    return objectDefs[objectType];
  }
  const t = await findObjectType(conn, ctx, objectType);
  return t ? defOfType(t) : undefined;
}

/**
 * The records of `def` in this workspace that the request may see, outside the trash, as a derived table `r` that a title
 * (SQL over `r`) can read: a custom object's scope names its table, which the alias would hide.
 */
const liveRecords = (ctx: Ctx, def: ObjectDef): SQL => {
  // Only the records the request may see: a list's count, its page and what can be added to it
  // all follow the visibility rule (records/visibility.ts).
  const conds = [def.scope, visibleWhere(ctx, def, 'read')].filter((c) => c !== undefined);
  return sql`(select * from ${def.table} where ${def.table.workspaceId} = ${ctx.workspaceId} and ${def.table.deletedAt} is null${sql.join(
    conds.map((c) => sql` and ${c}`),
  )})`;
};

const toList = (r: Row, memberCount: number): RecordList => ({
  ...metaToApi(r),
  objectType: r.objectType,
  name: r.name,
  description: r.description,
  memberCount,
});

/** Members of each list that are not in the trash; one query per object the lists hold. */
async function counts(conn: Conn, ctx: Ctx, rows: Row[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const byObject = new Map<string, Row[]>();
  for (const r of rows) byObject.set(r.objectType, [...(byObject.get(r.objectType) ?? []), r]);
  for (const [objectType, lists] of byObject) {
    const def = await objectDefOf(conn, ctx, objectType);
    if (!def) continue; // its custom object is in the trash: nothing of it shows
    const found = await selectRows<{ list_id: string; n: number }>(
      conn,
      sql`select m.list_id, count(*)::int as n from record_list_members m
        join ${liveRecords(ctx, def)} r on r.id = m.record_id
        where m.workspace_id = ${ctx.workspaceId} and m.list_id = any(${pgArray(
          lists.map((l) => l.id),
          'uuid',
        )})
        group by m.list_id`,
    );
    for (const f of found) out.set(f.list_id, Number(f.n));
  }
  return out;
}

async function withCounts(conn: Conn, ctx: Ctx, rows: Row[]) {
  const n = await counts(conn, ctx, rows);
  return rows.map((r) => toList(r, n.get(r.id) ?? 0));
}

/** The workspace's lists by name: of one object, or the ones a record is in. */
export async function listLists(conn: Conn, ctx: Ctx, q: RecordListQuery = {}) {
  const rows = await conn
    .select()
    .from(recordLists)
    .where(
      and(
        eq(recordLists.workspaceId, ctx.workspaceId),
        isNull(recordLists.deletedAt),
        q.objectType ? eq(recordLists.objectType, q.objectType) : undefined,
        q.recordId
          ? sql`exists (select 1 from record_list_members m where m.workspace_id = ${ctx.workspaceId}
              and m.list_id = ${recordLists.id} and m.record_id = ${q.recordId})`
          : undefined,
      ),
    )
    .orderBy(asc(sql`lower(${recordLists.name})`), asc(recordLists.id));
  return withCounts(conn, ctx, rows);
}

/** A list not in the trash, or 404. */
async function liveRow(conn: Conn, ctx: Ctx, id: string, lock = false) {
  const row = await findRow<Row>(conn, ctx, listDef, id, lock);
  if (row.deletedAt) throw notFound('List');
  return row;
}

export async function getList(conn: Conn, ctx: Ctx, id: string) {
  const [list] = await withCounts(conn, ctx, [await liveRow(conn, ctx, id)]);
  return list;
}

/** A list by id for automation: null when it is gone (deleted, or never was). */
export async function findList(conn: Conn, ctx: Ctx, id: string): Promise<RecordList | null> {
  return getList(conn, ctx, id).catch((e) => {
    if (e instanceof AppError && e.status === 404) return null;
    throw e;
  });
}

async function checkName(conn: Conn, ctx: Ctx, name: string, except?: string) {
  const [taken] = await conn
    .select({ id: recordLists.id })
    .from(recordLists)
    .where(
      and(
        eq(recordLists.workspaceId, ctx.workspaceId),
        isNull(recordLists.deletedAt),
        sql`lower(${recordLists.name}) = lower(${name})`,
        except ? ne(recordLists.id, except) : undefined,
      ),
    );
  if (taken) {
    const message = `a list named "${name}" already exists`;
    throw new AppError(409, 'name_taken', message, [{ field: 'body.name', code: 'name_taken', message }], { listId: taken.id });
  }
}

export async function createList(conn: Conn, ctx: Ctx, input: RecordListCreate) {
  const name = input.name.trim();
  if (!name) throw invalid([{ field: 'body.name', code: 'required', message: 'name the list' }]);
  if (!(await objectDefOf(conn, ctx, input.objectType))) {
    throw invalid([
      { field: 'body.objectType', code: 'unknown_object', message: `"${input.objectType}" is not an object of this workspace` },
    ]);
  }
  await checkName(conn, ctx, name);
  const list = await insertRecord(
    conn,
    ctx,
    listDef,
    { objectType: input.objectType, name, description: input.description ?? null },
    (r: Row) => toList(r, 0),
  );
  return list;
}

export async function updateList(conn: Conn, ctx: Ctx, id: string, version: number, input: RecordListUpdate) {
  // A deleted list is gone (there is no restore): 404, as its GET says, not the engine's "restore it first".
  await liveRow(conn, ctx, id);
  const { version: _v, ...patch } = input;
  if (patch.name !== undefined) {
    patch.name = patch.name.trim();
    if (!patch.name) throw invalid([{ field: 'body.name', code: 'required', message: 'name the list' }]);
    await checkName(conn, ctx, patch.name, id);
  }
  const saved = await updateRecord(conn, ctx, listDef, id, version, patch, (r: Row) => toList(r, 0));
  return getList(conn, ctx, saved.id);
}

export async function deleteList(conn: Conn, ctx: Ctx, id: string, version?: number) {
  const row = await liveRow(conn, ctx, id);
  const [n] = (await counts(conn, ctx, [row])).values();
  return softDeleteRecord(conn, ctx, listDef, id, version, (r: Row) => toList(r, n ?? 0));
}

// Member pages are ordered newest first by (added_at, record_id); the cursor carries both.
const cursorRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function decodeCursor(text: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && cursorRe.test(v[0]) && uuidRe.test(v[1])) {
      if (!Number.isNaN(Date.parse(`${String(v[0]).slice(0, 23)}Z`))) return [v[0], v[1]];
    }
  } catch {}
  throw badRequest('query.cursor', 'bad_cursor', 'cursor is not one this list gave out');
}

/** The list's records that are not in the trash, newest first, each named by its object's title. */
export async function listMembers(conn: Conn, ctx: Ctx, id: string, q: ListMembersQuery = {}) {
  const list = await liveRow(conn, ctx, id);
  const def = await objectDefOf(conn, ctx, list.objectType);
  if (!def) return { data: [], nextCursor: null };
  const limit = q.limit ?? 50;
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await selectRows<{ id: string; title: string | null; added_at: string; at: string }>(
    conn,
    sql`select m.record_id as id, ${sql.raw(def.title ?? 'null')}::text as title,
          to_char(m.added_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as added_at,
          to_char(m.added_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
        from record_list_members m
        join ${liveRecords(ctx, def)} r on r.id = m.record_id
        where m.workspace_id = ${ctx.workspaceId} and m.list_id = ${id}
          ${after ? sql`and (m.added_at, m.record_id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
        order by m.added_at desc, m.record_id desc
        limit ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const data: ListMember[] = page.map((r) => ({ id: r.id, title: r.title ?? '', addedAt: r.added_at }));
  return {
    data,
    nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify([last.at, last.id])).toString('base64url') : null,
  };
}

/** At most this many ids are named one by one in a refusal; the message counts the rest. */
const namedErrors = 50;

/**
 * Adds records to a list: each must be a record of the list's object in this workspace and not in
 * the trash (else 422 naming them, nothing added). Records already in the list stay as they were.
 * `field` names where the i-th id came from, for the problem.
 */
export async function addMembers(conn: Conn, ctx: Ctx, id: string, ids: string[], field = (i: number) => `body.ids.${i}`) {
  const list = await liveRow(conn, ctx, id, true);
  const def = await objectDefOf(conn, ctx, list.objectType);
  const wanted = [...new Set(ids.map((x) => x.toLowerCase()))];
  const found = def
    ? await selectRows<{ id: string }>(conn, sql`select r.id from ${liveRecords(ctx, def)} r where r.id = any(${pgArray(wanted, 'uuid')})`)
    : [];
  const known = new Set(found.map((r) => r.id));
  const bad = ids.map((x, i) => [x.toLowerCase(), i] as const).filter(([x]) => !known.has(x));
  if (bad.length) {
    const what = def ? `a ${def.label.toLowerCase()}` : `a record of ${list.objectType}`;
    const errors: FieldError[] = bad.slice(0, namedErrors).map(([, i]) => ({
      field: field(i),
      code: 'unknown_record',
      message: `is not ${what} of this workspace outside the trash`,
    }));
    throw invalid(errors, `${bad.length} of the ids ${bad.length === 1 ? 'is' : 'are'} not ${what} this list can hold`);
  }
  const added = await selectRows<{ record_id: string }>(
    conn,
    sql`insert into record_list_members (workspace_id, list_id, record_id, added_by)
      select ${ctx.workspaceId}, ${id}, x, ${ctx.memberId} from unnest(${pgArray(wanted, 'uuid')}) x
      on conflict (workspace_id, list_id, record_id) do nothing
      returning record_id`,
  );
  const recordIds = added.map((r) => r.record_id);
  if (recordIds.length) {
    await emitEvent(conn, ctx, 'list.members_added', 'list', id, { listId: id, objectType: list.objectType, recordIds });
  }
  return { added: recordIds.length, recordIds, list };
}

/** Takes records out of a list; ids that are not in it change nothing. */
export async function removeMembers(conn: Conn, ctx: Ctx, id: string, ids: string[]) {
  const list = await liveRow(conn, ctx, id, true);
  const gone = await selectRows<{ record_id: string }>(
    conn,
    sql`delete from record_list_members
      where workspace_id = ${ctx.workspaceId} and list_id = ${id} and record_id = any(${pgArray(
        ids.map((x) => x.toLowerCase()),
        'uuid',
      )})
      returning record_id`,
  );
  const recordIds = gone.map((r) => r.record_id);
  if (recordIds.length) {
    await emitEvent(conn, ctx, 'list.members_removed', 'list', id, { listId: id, objectType: list.objectType, recordIds });
  }
  return { removed: recordIds.length, recordIds, list };
}

/** Whether a record is in a list (automation's dry runs say "already in it"). */
export async function isMember(conn: Conn, ctx: Ctx, listId: string, recordId: string) {
  const [row] = await conn
    .select({ id: recordListMembers.recordId })
    .from(recordListMembers)
    .where(
      and(
        eq(recordListMembers.workspaceId, ctx.workspaceId),
        eq(recordListMembers.listId, listId),
        eq(recordListMembers.recordId, recordId),
      ),
    );
  return Boolean(row);
}

import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Conn } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { conflict, notFound } from '../http/errors.ts';
import { diff } from './changes.ts';
import type { ObjectDef } from './object-def.ts';
import { ports } from './ports.ts';
import { assertAction, assertReach, visibleWhere } from './visibility.ts';

type Shape = Record<string, unknown>;

/**
 * Loads one record by (workspace_id, id). A record of another workspace, or one the request may not
 * see (visibility.ts), is simply not found: the 404 is the same whether it exists elsewhere or not
 * at all.
 */
export async function findRow<Row>(conn: Conn, ctx: Ctx, def: ObjectDef, id: string, lock = false): Promise<Row> {
  const t = def.table;
  const q = conn
    .select()
    .from(t)
    .where(and(eq(t.workspaceId, ctx.workspaceId), eq(t.id, id), def.scope, visibleWhere(ctx, def, 'read')));
  const [row] = await (lock ? q.for('update') : q);
  if (!row) throw notFound(def.label);
  return row as Row;
}

/** Inserts a record with its create history row and `<type>.created` event. */
export async function insertRecord<Row, Api extends Shape>(
  conn: Conn,
  ctx: Ctx,
  def: ObjectDef,
  values: Shape,
  toApi: (r: Row) => Api,
): Promise<Api> {
  assertAction(ctx, def, 'create');
  const [row] = (await conn
    .insert(def.table)
    .values({ ...values, workspaceId: ctx.workspaceId, id: (values.id as string) ?? uuidv7(), createdBy: ctx.memberId } as never)
    .returning()) as Row[];
  const api = toApi(row);
  const { history, events, indexSearch } = ports();
  // An id made here is new, so it has no search terms yet; one given by the caller may be reused.
  await indexSearch(conn, ctx, def, [api.id as string], { fresh: values.id === undefined });
  await history.write(conn, ctx, def.type, api.id as string, 'create', [{ field: null, old: null, new: api }], Number(api.version ?? 1));
  await events.emit(conn, ctx, `${def.type}.created`, def.type, api.id as string, { after: api });
  return api;
}

export function checkVersion(label: string, row: { version: number; deletedAt: Date | null }, version: number | undefined) {
  if (version !== undefined && row.version !== version) {
    throw conflict(
      'version_conflict',
      `This ${label.toLowerCase()} was changed by someone else since you read it (you sent version ${version}, it is now ${row.version}). Reload and apply your change again.`,
      { currentVersion: row.version },
    );
  }
}

/**
 * Updates a record based on `version`, the version the client read. The row is locked first, so of
 * two updates sent with the same version exactly one goes first. An update based on an older
 * version is applied when none of the fields it changes was changed since that version (another
 * person editing another field of the same record is no conflict); when one was, it is refused with
 * 409 naming those fields, and nothing is written (the caller's transaction rolls back).
 */
export async function updateRecord<Row extends { version: number; deletedAt: Date | null }, Api extends Shape>(
  conn: Conn,
  ctx: Ctx,
  def: ObjectDef,
  id: string,
  version: number,
  /** The columns to set, or a function of the locked current row that returns them (for merges such as custom values). */
  patch: Shape | ((before: Row) => Shape | Promise<Shape>),
  toApi: (r: Row) => Api,
  action: 'update' | 'merge' | 'convert' = 'update',
): Promise<Api> {
  const t = def.table;
  const { history, events, indexSearch } = ports();
  const before = await findRow<Row>(conn, ctx, def, id, true);
  await assertReach(conn, ctx, def, id, 'edit');
  if (before.deletedAt) throw conflict('record_deleted', `This ${def.label.toLowerCase()} is in the trash; restore it first`);
  // Stale: what changed since the version the client read decides, field by field (checked below).
  const changedSince = before.version === version ? undefined : await history.changedSince(conn, ctx, def.type, id, version);
  if (changedSince === null || version > before.version) checkVersion(def.label, before, version);
  const values = typeof patch === 'function' ? await patch(before) : patch;
  const [after] = (await conn
    .update(t)
    .set({ ...values, version: sql`${t.version} + 1`, updatedAt: sql`now()` } as never)
    .where(and(eq(t.workspaceId, ctx.workspaceId), eq(t.id, id)))
    .returning()) as Row[];
  const a = toApi(after);
  const changes = diff(toApi(before), a, ['deletedAt']);
  if (changedSince) {
    const clashes = changes.filter((c) => c.field && (changedSince.has(c.field) || changedSince.has('*')));
    if (clashes.length) {
      throw conflict(
        'version_conflict',
        `Someone else changed ${clashes.map((c) => c.field).join(', ')} of this ${def.label.toLowerCase()} since you read it (you sent version ${version}, it is now ${before.version}). Reload and apply your change again.`,
        { currentVersion: before.version, fields: clashes.map((c) => c.field) },
      );
    }
  }
  if (changes.length) await indexSearch(conn, ctx, def, [id]);
  await history.write(conn, ctx, def.type, id, action, changes, Number(a.version));
  if (changes.length) await events.emit(conn, ctx, `${def.type}.updated`, def.type, id, { changes, after: a });
  // A move on a deal's board, say, is an event of its own: automations react to it, not to every edit.
  for (const c of changes) {
    const type = c.field && def.changeEvents && Object.hasOwn(def.changeEvents, c.field) ? def.changeEvents[c.field] : undefined;
    if (type) await events.emit(conn, ctx, type, def.type, id, { from: c.old, to: c.new });
  }
  return a;
}

async function setDeleted<Row extends { version: number; deletedAt: Date | null }, Api extends Shape>(
  conn: Conn,
  ctx: Ctx,
  def: ObjectDef,
  id: string,
  version: number | undefined,
  toApi: (r: Row) => Api,
  deleting: boolean,
): Promise<Api> {
  const t = def.table;
  const before = await findRow<Row>(conn, ctx, def, id, true);
  // Restoring undoes a delete, so the same scope decides it.
  await assertReach(conn, ctx, def, id, 'delete');
  checkVersion(def.label, before, version);
  // Deleting what is already in the trash (or restoring what is not) changes nothing and says so.
  if (Boolean(before.deletedAt) === deleting) return toApi(before);
  const [after] = (await conn
    .update(t)
    .set({ deletedAt: deleting ? sql`now()` : null, version: sql`${t.version} + 1`, updatedAt: sql`now()` } as never)
    .where(and(eq(t.workspaceId, ctx.workspaceId), eq(t.id, id)))
    .returning()) as Row[];
  const api = toApi(after);
  const { history, events, indexSearch } = ports();
  await indexSearch(conn, ctx, def, [id]);
  const action = deleting ? 'delete' : 'restore';
  await history.write(conn, ctx, def.type, id, action, [{ field: null, old: null, new: null }], Number(api.version));
  await events.emit(conn, ctx, `${def.type}.${deleting ? 'deleted' : 'restored'}`, def.type, id, { after: api });
  return api;
}

/** Moves a record to the trash; it stays restorable and keeps its links. */
export const softDeleteRecord = <Row extends { version: number; deletedAt: Date | null }, Api extends Shape>(
  conn: Conn,
  ctx: Ctx,
  def: ObjectDef,
  id: string,
  version: number | undefined,
  toApi: (r: Row) => Api,
) => setDeleted(conn, ctx, def, id, version, toApi, true);

export const restoreRecord = <Row extends { version: number; deletedAt: Date | null }, Api extends Shape>(
  conn: Conn,
  ctx: Ctx,
  def: ObjectDef,
  id: string,
  toApi: (r: Row) => Api,
) => setDeleted(conn, ctx, def, id, undefined, toApi, false);

/** Shared mapping of the bookkeeping columns to the API shape. */
export function metaToApi(r: {
  id: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  deletedAt: Date | null;
}) {
  return {
    id: r.id,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    createdBy: r.createdBy,
    deletedAt: r.deletedAt ? r.deletedAt.toISOString() : null,
  };
}

import { and, asc, eq, isNull, or } from 'drizzle-orm';
import type { SavedView, SavedViewCreate, SavedViewUpdate } from '../../../contract/views.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { forbidden, invalid, notFound } from '../../http/errors.ts';
import { findRow, insertRecord, metaToApi, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import { compileFilter } from '../../records/filter.ts';
import { parseSort } from '../../records/list.ts';
import type { ObjectDef } from '../../records/object-def.ts';
import { fieldResolver } from '../fields/fields.service.ts';
import { defOfKey } from '../objects/objects.service.ts';
import { savedViews } from './views.table.ts';

type Row = typeof savedViews.$inferSelect;

export const viewDef: ObjectDef = {
  type: 'saved_view',
  label: 'View',
  table: savedViews,
  fields: {},
  hasCustom: false,
  defaultSort: 'name',
};

export const toView = (r: Row): SavedView => ({
  ...metaToApi(r),
  objectType: r.objectType as SavedView['objectType'],
  name: r.name,
  filter: r.filter ?? null,
  sort: r.sort,
  columns: r.columns,
  visibility: r.visibility,
  ownerId: r.ownerId,
});

const visible = (ctx: Ctx) => or(eq(savedViews.visibility, 'shared'), eq(savedViews.ownerId, ctx.memberId));

export async function listViews(conn: Conn, ctx: Ctx, objectType?: string) {
  const rows = await conn
    .select()
    .from(savedViews)
    .where(
      and(
        eq(savedViews.workspaceId, ctx.workspaceId),
        isNull(savedViews.deletedAt),
        visible(ctx),
        objectType ? eq(savedViews.objectType, objectType) : undefined,
      ),
    )
    .orderBy(asc(savedViews.objectType), asc(savedViews.name));
  return rows.map(toView);
}

/** A view another member keeps private is as good as absent. */
export async function getView(conn: Conn, ctx: Ctx, id: string) {
  const row = await findRow<Row>(conn, ctx, viewDef, id);
  if (row.visibility === 'private' && row.ownerId !== ctx.memberId) throw notFound('View');
  return toView(row);
}

/** A view is checked like a list request would be, so that a saved view always runs. */
async function check(conn: Conn, ctx: Ctx, objectType: string, v: { filter?: unknown; sort?: string | null; columns?: string[] | null }) {
  // Imported when called: the registry wires this module's views into the record engine.
  const { objectDefs } = await import('../registry.ts');
  const def = (objectType !== 'custom_record' && objectDefs[objectType]) || (await defOfKey(conn, ctx, objectType).catch(() => null));
  if (!def)
    throw invalid([{ field: 'body.objectType', code: 'unknown_object', message: `"${objectType}" is not an object of this workspace` }]);
  const { field } = await fieldResolver(conn, ctx, def);
  if (v.filter !== undefined && v.filter !== null) compileFilter(v.filter, { field, memberId: ctx.memberId }, 'body.filter');
  if (v.sort) {
    try {
      parseSort(def, v.sort, field);
    } catch {
      throw invalid([{ field: 'body.sort', code: 'unknown_sort_field', message: `"${v.sort}" is not a valid sort for ${objectType}` }]);
    }
  }
  for (const [i, c] of (v.columns ?? []).entries()) {
    // The same rule as a list's `fields=`: API field names, derived columns (a contact's name), or
    // `custom.<key>` of a live custom field.
    const derived = def.derivedColumns && Object.hasOwn(def.derivedColumns, c);
    if (!def.apiFields?.includes(c) && !derived && !(c.startsWith('custom.') && field(c))) {
      throw invalid([{ field: `body.columns.${i}`, code: 'unknown_field', message: `"${c}" is not a field of ${objectType}` }]);
    }
  }
}

export async function createView(conn: Conn, ctx: Ctx, input: SavedViewCreate) {
  await check(conn, ctx, input.objectType, input);
  return insertRecord(
    conn,
    ctx,
    viewDef,
    {
      objectType: input.objectType,
      name: input.name,
      filter: input.filter ?? null,
      sort: input.sort ?? null,
      columns: input.columns ?? null,
      visibility: input.visibility ?? 'private',
      ownerId: ctx.memberId,
    },
    toView,
  );
}

/** The owner edits a view; an admin may also edit or remove shared ones. */
async function editable(conn: Conn, ctx: Ctx, id: string) {
  const view = await getView(conn, ctx, id);
  if (view.ownerId !== ctx.memberId && !(view.visibility === 'shared' && (ctx.role === 'admin' || ctx.role === 'owner'))) {
    throw forbidden('Only the owner of this view (or an admin, for shared views) can change it');
  }
  return view;
}

export async function updateView(conn: Conn, ctx: Ctx, id: string, version: number, input: SavedViewUpdate) {
  const view = await editable(conn, ctx, id);
  const { version: _v, ...patch } = input;
  await check(conn, ctx, view.objectType, patch);
  return updateRecord(conn, ctx, viewDef, id, version, patch, toView);
}

export async function deleteView(conn: Conn, ctx: Ctx, id: string, version?: number) {
  await editable(conn, ctx, id);
  return softDeleteRecord(conn, ctx, viewDef, id, version, toView);
}

/** The filter, sort and columns a list request gets from `view=`. */
export async function resolveView(conn: Conn, ctx: Ctx, objectType: string, id: string) {
  const view = await getView(conn, ctx, id).catch(() => null);
  if (!view || view.deletedAt || view.objectType !== objectType) {
    throw invalid([{ field: 'query.view', code: 'unknown_view', message: `no ${objectType} view with this id` }]);
  }
  return view;
}

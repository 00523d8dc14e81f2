import { and, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { ObjectAction, ObjectRights } from '../../contract/access.ts';
import { type Conn, pgArray } from '../db/client.ts';
import type { Access, Ctx } from '../http/context.ts';
import { forbidden } from '../http/errors.ts';
import type { ObjectDef } from './object-def.ts';
import { ports } from './ports.ts';

/** The rights whose scope decides which records a request reaches. */
export type ScopedRight = 'read' | 'edit' | 'delete';

/** What a profile allows on an object it does not name: nothing (deny by default). */
const closed: ObjectRights = {
  read: 'none',
  edit: 'none',
  delete: 'none',
  create: false,
  export: false,
  import: false,
  merge: false,
  bulkEdit: false,
};

/** The request's rights on an object, or undefined when nothing narrows them (no profile: owner, admin, system). */
export function rightsOn(ctx: Ctx, def: ObjectDef): ObjectRights | undefined {
  const rights = ctx.access?.rights;
  if (!rights) return undefined;
  // Roles narrow the objects with records, those in the registry. The engine also writes settings
  // through ObjectDefs (static lists, pipelines, views): the fixed role governs those alone.
  if (!ports().objectDef(def.type)) return undefined;
  // Custom objects share `custom_record`: the generic reads (search, timelines, links) know a
  // custom record by that type alone, so one scope for every custom object keeps them all agreeing.
  return Object.hasOwn(rights, def.type) ? rights[def.type] : closed;
}

const column = (c: PgColumn, alias: string | undefined) => (alias ? sql`${sql.identifier(alias)}.${sql.identifier(c.name)}` : sql`${c}`);

/**
 * THE visibility rule: the condition a record of `def` must meet for this request to reach it with
 * `right`, as SQL over the object's table (or over `alias` when a query names it so, as search
 * does). Undefined when every record is reachable. Every generic read path adds it to its WHERE, so
 * nothing is fetched and then filtered.
 *
 * A record belongs to its owner column (`def.owner`: an owner, a task's assignee). A record whose
 * owner is empty belongs to the member who created it: a person who files a contact without
 * naming an owner keeps seeing it under scope `own`. An object without an owner column is reached
 * only with scope `all`. Besides its scope, a member reaches the records shared with them or their
 * teams (any scope but `none`).
 */
export function visibleWhere(ctx: Ctx, def: ObjectDef, right: ScopedRight = 'read', alias?: string): SQL | undefined {
  const rights = rightsOn(ctx, def);
  const access = ctx.access;
  if (!rights || !access) return undefined;
  const scope = rights[right];
  if (scope === 'all') return undefined;
  // A share widens a scope, it does not open an object the role closes.
  if (scope === 'none') return sql`false`;
  const shared = sharedWith(ctx, access, def, right, alias);
  if (!def.owner) return shared;
  const ids = scope === 'own' ? [ctx.memberId] : scope === 'team' ? access.teamMemberIds : access.belowMemberIds;
  const match = ids.length === 1 ? sql`= ${ids[0]}::uuid` : sql`= any(${pgArray(ids, 'uuid')})`;
  const owner = column(def.owner, alias);
  const creator = column((getTableColumns(def.table) as Record<string, PgColumn>).createdBy, alias);
  return sql`(${owner} ${match} or (${owner} is null and ${creator} ${match}) or ${shared})`;
}

/**
 * The records shared with this member, or with a team they are in or lead (record_shares, read by
 * name: the engine imports no module): any share lets them read, an edit share edit. A share
 * never lets anyone delete: that stays with the owner's scope.
 */
function sharedWith(ctx: Ctx, access: Access, def: ObjectDef, right: ScopedRight, alias: string | undefined): SQL {
  if (right === 'delete') return sql`false`;
  const teams = access.teamIds.length ? sql` or s.team_id = any(${pgArray(access.teamIds, 'uuid')})` : sql``;
  const edit = right === 'edit' ? sql` and s.access = 'edit'` : sql``;
  return sql`exists (select 1 from record_shares s where s.workspace_id = ${ctx.workspaceId}::uuid and s.record_type = ${def.type}
    and s.record_id = ${column(def.table.id, alias)} and (s.member_id = ${ctx.memberId}::uuid${teams})${edit})`;
}

/**
 * Refuses an edit or delete of a record the request can see (findRow has answered 404 for one it
 * cannot) but whose scope for that right does not reach it: 403, the record's existence is no
 * secret to them.
 */
export async function assertReach(conn: Conn, ctx: Ctx, def: ObjectDef, id: string, right: 'edit' | 'delete') {
  const where = visibleWhere(ctx, def, right);
  if (!where) return;
  const t = def.table;
  const [row] = await conn
    .select({ one: sql`1` })
    .from(t)
    .where(and(eq(t.workspaceId, ctx.workspaceId), eq(t.id, id), where));
  if (!row) throw forbidden(`Your role does not let you ${right} this ${def.label.toLowerCase()}`);
}

/** Refuses an action (create, export, import, merge, bulk edit) the request's profile does not allow on the object. */
export function assertAction(ctx: Ctx, def: ObjectDef, action: ObjectAction) {
  const rights = rightsOn(ctx, def);
  if (rights && !rights[action]) {
    const what = { create: 'create', export: 'export', import: 'import', merge: 'merge', bulkEdit: 'bulk edit' }[action];
    throw forbidden(`Your role does not let you ${what} records of type ${def.label.toLowerCase()}`);
  }
}

import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { customObjectTypes } from '../../../contract/fields.ts';
import {
  type CustomRecord,
  type CustomRecordCreate,
  type CustomRecordUpdate,
  MAX_OBJECT_TYPES,
  type ObjectTypeCreate,
  type ObjectTypeDef,
  type ObjectTypeUpdate,
  reservedObjectKeys,
} from '../../../contract/objects.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, invalid, notFound } from '../../http/errors.ts';
import { findRow, insertRecord, metaToApi, restoreRecord, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import { isoTimestamp, metaFields, metaProjection, type ObjectDef } from '../../records/object-def.ts';
import { assertMembers } from '../auth/members.service.ts';
import { checkCustom } from '../fields/fields.service.ts';
import { refreshSearch } from '../search/search.service.ts';
import { customRecords, objectTypes } from './objects.table.ts';

type TypeRow = typeof objectTypes.$inferSelect;
type RecordRow = typeof customRecords.$inferSelect;

export const objectTypeDef: ObjectDef = {
  type: 'object_type',
  label: 'Object',
  table: objectTypes,
  fields: {},
  hasCustom: false,
  defaultSort: 'label',
};

/**
 * Every custom record, of whatever custom object: what links (activities, tasks), timelines and
 * relation checks name, by id alone. A custom object's own lists and pages use defOfType, which
 * narrows this to its records and names its custom fields.
 */
export const customRecordDef: ObjectDef = {
  type: 'custom_record',
  label: 'Record',
  table: customRecords,
  owner: customRecords.ownerId,
  hasCustom: true,
  defaultSort: 'name',
  lastActivityAt: customRecords.lastActivityAt,
  title: 'r.name',
  // The hit's subtitle is the record's object's key, which the web app needs for the record's address.
  search: {
    terms: `select 'name' as kind, w as term from rapport_words(r.name) w`,
    subtitle: `(select t.key from object_types t where t.workspace_id = {ws} and t.id = r.object_type_id)`,
    // The subtitle is the object's key, no field of the record.
    reads: { kinds: { name: ['name'] }, subtitle: [] },
  },
  fields: {
    ...metaFields(customRecords),
    name: { kind: 'text', sql: customRecords.name, notNull: true },
    ownerId: { kind: 'uuid', sql: customRecords.ownerId, member: true },
    lastActivityAt: { kind: 'datetime', sql: customRecords.lastActivityAt },
  },
  apiFields: ['name', 'ownerId', 'lastActivityAt', 'custom', 'createdAt', 'updatedAt', 'createdBy', 'deletedAt'],
};

/** The object definition of one custom object: its records only, its custom fields, its names. */
export function defOfType(t: TypeRow): ObjectDef {
  return {
    ...customRecordDef,
    label: t.label,
    fieldsKey: t.key,
    scope: sql`${customRecords.objectTypeId} = ${t.id}::uuid`,
    projection: {
      ...metaProjection(customRecords),
      objectKey: sql`${t.key}::text`,
      name: sql`${customRecords.name}`,
      ownerId: sql`${customRecords.ownerId}`,
      lastActivityAt: isoTimestamp(customRecords.lastActivityAt),
      custom: sql`${customRecords.custom}`,
    },
  };
}

const toObjectType = (r: TypeRow, recordCount = 0): ObjectTypeDef => ({
  ...metaToApi(r),
  key: r.key,
  label: r.label,
  labelPlural: r.labelPlural,
  icon: r.icon as ObjectTypeDef['icon'],
  recordCount,
});

export const toCustomRecord =
  (key: string) =>
  (r: RecordRow): CustomRecord => ({
    ...metaToApi(r),
    objectKey: key,
    name: r.name,
    ownerId: r.ownerId,
    lastActivityAt: r.lastActivityAt?.toISOString() ?? null,
    custom: r.custom,
  });

/** A custom object of this workspace by key, not in the trash (unless asked); undefined when there is none. */
export async function findObjectType(conn: Conn, ctx: Ctx, key: string, opts: { withTrash?: boolean } = {}) {
  const [row] = await conn
    .select()
    .from(objectTypes)
    .where(
      and(
        eq(objectTypes.workspaceId, ctx.workspaceId),
        eq(objectTypes.key, key),
        opts.withTrash ? undefined : isNull(objectTypes.deletedAt),
      ),
    );
  return row;
}

/** The custom object a URL names, or 404. */
export async function typeOfKey(conn: Conn, ctx: Ctx, key: string, opts: { withTrash?: boolean } = {}) {
  const row = await findObjectType(conn, ctx, key, opts);
  if (!row) throw notFound('Object');
  return row;
}

export const defOfKey = async (conn: Conn, ctx: Ctx, key: string, opts: { withTrash?: boolean } = {}) =>
  defOfType(await typeOfKey(conn, ctx, key, opts));

export async function listObjectTypes(conn: Conn, ctx: Ctx, deleted = false) {
  const rows = await conn
    .select({
      type: objectTypes,
      // Written out in full: inside a select list, drizzle leaves column names unqualified, and a bare
      // "id" here would be the record's own.
      n: sql<number>`(select count(*)::int from custom_records r
        where r.workspace_id = object_types.workspace_id and r.workspace_id = ${ctx.workspaceId}
          and r.object_type_id = object_types.id and r.deleted_at is null)`,
    })
    .from(objectTypes)
    .where(
      and(
        eq(objectTypes.workspaceId, ctx.workspaceId),
        deleted ? sql`${objectTypes.deletedAt} is not null` : isNull(objectTypes.deletedAt),
      ),
    )
    .orderBy(asc(objectTypes.label));
  return rows.map((r) => toObjectType(r.type, Number(r.n)));
}

const countRecords = async (conn: Conn, ctx: Ctx, typeId: string) => {
  const [row] = await conn
    .select({ n: sql<number>`count(*)::int` })
    .from(customRecords)
    .where(and(eq(customRecords.workspaceId, ctx.workspaceId), eq(customRecords.objectTypeId, typeId), isNull(customRecords.deletedAt)));
  return Number(row.n);
};

/**
 * Defines a custom object. Its key is its name in URLs and in field definitions for good: it may not
 * be a built-in object's, a word the API uses, or another custom object's (in the trash included).
 */
export async function createObjectType(conn: Conn, ctx: Ctx, input: ObjectTypeCreate) {
  const key = input.key;
  if ((reservedObjectKeys as readonly string[]).includes(key) || (customObjectTypes as readonly string[]).includes(key)) {
    throw invalid([{ field: 'body.key', code: 'reserved', message: `"${key}" is a name Rapport uses itself; choose another` }]);
  }
  const existing = await findObjectType(conn, ctx, key, { withTrash: true });
  if (existing?.deletedAt) {
    throw conflict('key_in_trash', `An object "${key}" is in the trash: restore it, or choose another key`, { objectTypeId: existing.id });
  }
  if (existing) throw conflict('key_taken', `"${key}" is already an object of this workspace`);
  const [{ n }] = await conn
    .select({ n: sql<number>`count(*)::int` })
    .from(objectTypes)
    .where(eq(objectTypes.workspaceId, ctx.workspaceId));
  if (Number(n) >= MAX_OBJECT_TYPES) {
    throw invalid([{ field: 'body.key', code: 'too_many', message: `a workspace has at most ${MAX_OBJECT_TYPES} custom objects` }]);
  }
  return insertRecord(
    conn,
    ctx,
    objectTypeDef,
    { key, label: input.label, labelPlural: input.labelPlural, icon: input.icon ?? 'box' },
    (r: TypeRow) => toObjectType(r),
  );
}

export async function updateObjectType(conn: Conn, ctx: Ctx, key: string, version: number, input: Omit<ObjectTypeUpdate, 'version'>) {
  const t = await typeOfKey(conn, ctx, key);
  const n = await countRecords(conn, ctx, t.id);
  return updateRecord(conn, ctx, objectTypeDef, t.id, version, input, (r: TypeRow) => toObjectType(r, n));
}

/**
 * Moves a custom object to the trash, with its records hidden (they come back with it). An object
 * that still has records goes only when asked twice: `confirm` says the caller showed how many.
 */
export async function deleteObjectType(conn: Conn, ctx: Ctx, key: string, confirm: boolean) {
  const t = await typeOfKey(conn, ctx, key);
  const n = await countRecords(conn, ctx, t.id);
  if (n > 0 && !confirm) {
    throw conflict('has_records', `${t.labelPlural} still has ${n} record(s); send confirm=true to move it to the trash with them`, {
      recordCount: n,
    });
  }
  const out = await softDeleteRecord(conn, ctx, objectTypeDef, t.id, undefined, (r: TypeRow) => toObjectType(r, n));
  // Its records leave search with it (and come back when it is restored).
  await conn.execute(sql`delete from search_terms where workspace_id = ${ctx.workspaceId} and record_type = 'custom_record'
    and record_id in (select id from custom_records where workspace_id = ${ctx.workspaceId} and object_type_id = ${t.id})`);
  return out;
}

export async function restoreObjectType(conn: Conn, ctx: Ctx, key: string) {
  const t = await typeOfKey(conn, ctx, key, { withTrash: true });
  const n = await countRecords(conn, ctx, t.id);
  const out = await restoreRecord(conn, ctx, objectTypeDef, t.id, (r: TypeRow) => toObjectType(r, n));
  const ids = await conn
    .select({ id: customRecords.id })
    .from(customRecords)
    .where(and(eq(customRecords.workspaceId, ctx.workspaceId), eq(customRecords.objectTypeId, t.id)));
  await refreshSearch(
    conn,
    ctx.workspaceId,
    customRecordDef,
    ids.map((r) => r.id),
  );
  return out;
}

export async function getCustomRecord(conn: Conn, ctx: Ctx, key: string, id: string) {
  const t = await typeOfKey(conn, ctx, key);
  return toCustomRecord(t.key)(await findRow<RecordRow>(conn, ctx, defOfType(t), id));
}

export async function createCustomRecord(conn: Conn, ctx: Ctx, key: string, input: CustomRecordCreate) {
  const t = await typeOfKey(conn, ctx, key);
  const ownerId = input.ownerId === undefined ? ctx.memberId : input.ownerId;
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: ownerId }]);
  const custom = await checkCustom(conn, ctx, t.key, input.custom, null, true);
  return insertRecord(
    conn,
    ctx,
    defOfType(t),
    { id: uuidv7(), objectTypeId: t.id, name: input.name, ownerId, custom },
    toCustomRecord(t.key),
  );
}

export async function updateCustomRecord(
  conn: Conn,
  ctx: Ctx,
  key: string,
  id: string,
  version: number,
  input: Omit<CustomRecordUpdate, 'version'>,
) {
  const t = await typeOfKey(conn, ctx, key);
  await assertMembers(conn, ctx, [{ field: 'body.ownerId', id: input.ownerId }]);
  return updateRecord(
    conn,
    ctx,
    defOfType(t),
    id,
    version,
    async (before: RecordRow) => ({
      name: input.name,
      ownerId: input.ownerId,
      custom: await checkCustom(conn, ctx, t.key, input.custom, before.custom, false),
    }),
    toCustomRecord(t.key),
  );
}

export async function deleteCustomRecord(conn: Conn, ctx: Ctx, key: string, id: string, version?: number) {
  const t = await typeOfKey(conn, ctx, key);
  return softDeleteRecord(conn, ctx, defOfType(t), id, version, toCustomRecord(t.key));
}

export async function restoreCustomRecord(conn: Conn, ctx: Ctx, key: string, id: string) {
  const t = await typeOfKey(conn, ctx, key);
  return restoreRecord(conn, ctx, defOfType(t), id, toCustomRecord(t.key));
}

import { and, asc, eq, getTableName, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  customObjectTypes,
  type FieldDefinition,
  type FieldDefinitionCreate,
  type FieldDefinitionUpdate,
  relationTargets,
} from '../../../contract/fields.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, invalid } from '../../http/errors.ts';
import { findRow, metaToApi, restoreRecord, softDeleteRecord, updateRecord } from '../../records/crud.ts';
import { builtInField, type FieldSpec, type ObjectDef } from '../../records/object-def.ts';
import { assertRecords } from '../../records/references.ts';
import { emitEvent, recordChange, writeHistory } from '../history/history.service.ts';
import { workspaceCountry } from '../workspaces/workspaces.service.ts';
import { type CustomDef, customSpec, validateCustom } from './custom-values.ts';
import { customValueArchive, fieldDefinitions } from './fields.table.ts';

type Row = typeof fieldDefinitions.$inferSelect;

export const fieldDefinitionDef: ObjectDef = {
  type: 'field_definition',
  label: 'Custom field',
  table: fieldDefinitions,
  fields: {},
  hasCustom: false,
  defaultSort: 'position',
};

export const toFieldDefinition = (r: Row): FieldDefinition => ({
  ...metaToApi(r),
  objectType: r.objectType as FieldDefinition['objectType'],
  key: r.key,
  label: r.label,
  type: r.type as FieldDefinition['type'],
  options: r.options,
  target: r.target,
  required: r.required,
  position: r.position,
});

/** The live custom fields of one object type, in display order. */
export async function customDefs(conn: Conn, ctx: Ctx, objectType: string): Promise<CustomDef[]> {
  const rows = await conn
    .select()
    .from(fieldDefinitions)
    .where(
      and(
        eq(fieldDefinitions.workspaceId, ctx.workspaceId),
        eq(fieldDefinitions.objectType, objectType),
        isNull(fieldDefinitions.deletedAt),
      ),
    )
    .orderBy(asc(fieldDefinitions.position), asc(fieldDefinitions.key));
  return rows.map((r) => ({
    key: r.key,
    label: r.label,
    type: r.type as CustomDef['type'],
    options: r.options,
    target: r.target,
    required: r.required,
  }));
}

/** The live relation fields, of any object, that point to records of `target`: a merge re-points their values. */
export async function relationFieldsTo(conn: Conn, ctx: Ctx, target: string) {
  return conn
    .select({ objectType: fieldDefinitions.objectType, key: fieldDefinitions.key })
    .from(fieldDefinitions)
    .where(
      and(
        eq(fieldDefinitions.workspaceId, ctx.workspaceId),
        eq(fieldDefinitions.type, 'relation'),
        eq(fieldDefinitions.target, target),
        isNull(fieldDefinitions.deletedAt),
      ),
    )
    .orderBy(asc(fieldDefinitions.objectType), asc(fieldDefinitions.key));
}

/** Resolves field names of an object, built-in and `custom.<key>`, for filters and sorts. */
export async function fieldResolver(conn: Conn, ctx: Ctx, def: ObjectDef) {
  const customs = def.hasCustom ? await customDefs(conn, ctx, def.fieldsKey ?? def.type) : [];
  const custom = (def.table as unknown as { custom: Parameters<typeof customSpec>[0] }).custom;
  const specs = new Map(customs.map((d) => [`custom.${d.key}`, customSpec(custom, d)]));
  return { defs: customs, field: (name: string): FieldSpec | undefined => builtInField(def, name) ?? specs.get(name) };
}

/** Removes the archived custom values of a record deleted for good. */
export async function dropArchivedValues(conn: Conn, ctx: Ctx, recordId: string) {
  await conn
    .delete(customValueArchive)
    .where(and(eq(customValueArchive.workspaceId, ctx.workspaceId), eq(customValueArchive.recordId, recordId)));
}

export async function listFieldDefinitions(conn: Conn, ctx: Ctx, objectType?: string) {
  const rows = await conn
    .select()
    .from(fieldDefinitions)
    .where(
      and(
        eq(fieldDefinitions.workspaceId, ctx.workspaceId),
        isNull(fieldDefinitions.deletedAt),
        objectType ? eq(fieldDefinitions.objectType, objectType) : undefined,
      ),
    )
    .orderBy(asc(fieldDefinitions.objectType), asc(fieldDefinitions.position), asc(fieldDefinitions.key));
  return rows.map(toFieldDefinition);
}

export const MAX_FIELDS_PER_OBJECT = 200;

function checkOptions(type: string, options: string[] | undefined) {
  const needs = type === 'select' || type === 'multiSelect';
  if (needs && (!options || options.length === 0)) {
    throw invalid([{ field: 'body.options', code: 'required', message: 'a select field needs at least one option' }]);
  }
  if (!needs && options !== undefined) {
    throw invalid([{ field: 'body.options', code: 'not_allowed', message: `a ${type} field takes no options` }]);
  }
}

/**
 * Whether `objectType` names an object that takes custom fields in this workspace: a built-in one or
 * a live custom object. Custom objects are looked up through the objects module (imported when
 * called: it imports this one).
 */
async function isObjectType(conn: Conn, ctx: Ctx, objectType: string) {
  if ((customObjectTypes as readonly string[]).includes(objectType)) return true;
  const { findObjectType } = await import('../objects/objects.service.ts');
  return Boolean(await findObjectType(conn, ctx, objectType));
}

export async function createFieldDefinition(conn: Conn, ctx: Ctx, input: FieldDefinitionCreate) {
  checkOptions(input.type, input.options);
  if (!(await isObjectType(conn, ctx, input.objectType))) {
    throw invalid([
      { field: 'body.objectType', code: 'unknown_object', message: `"${input.objectType}" is not an object of this workspace` },
    ]);
  }
  if (input.type === 'relation') {
    const target = input.target;
    const ok =
      target &&
      ((relationTargets as readonly string[]).includes(target) ||
        (target !== 'activity' && target !== 'task' && (await isObjectType(conn, ctx, target))));
    if (!ok) {
      throw invalid([
        {
          field: 'body.target',
          code: target ? 'unknown_object' : 'required',
          message: 'a relation field points to a company, contact, lead, deal or custom object',
        },
      ]);
    }
  } else if (input.target !== undefined) {
    throw invalid([{ field: 'body.target', code: 'not_allowed', message: `a ${input.type} field has no target` }]);
  }
  const existing = await customDefs(conn, ctx, input.objectType);
  if (existing.length >= MAX_FIELDS_PER_OBJECT) {
    throw invalid([{ field: 'body.objectType', code: 'too_many', message: `at most ${MAX_FIELDS_PER_OBJECT} custom fields per object` }]);
  }
  const [taken] = await conn
    .select({ id: fieldDefinitions.id, deletedAt: fieldDefinitions.deletedAt })
    .from(fieldDefinitions)
    .where(
      and(
        eq(fieldDefinitions.workspaceId, ctx.workspaceId),
        eq(fieldDefinitions.objectType, input.objectType),
        eq(fieldDefinitions.key, input.key),
      ),
    );
  if (taken?.deletedAt) {
    throw conflict(
      'key_in_trash',
      `A field "${input.key}" of ${input.objectType} is in the trash: restore it (its values come back), or delete it for good to use the key again`,
      { fieldId: taken.id },
    );
  }
  if (taken) throw conflict('key_taken', `"${input.key}" is already a field of ${input.objectType}`);
  const [row] = await conn
    .insert(fieldDefinitions)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      objectType: input.objectType,
      key: input.key,
      label: input.label,
      type: input.type,
      options: input.options ?? null,
      target: input.type === 'relation' ? (input.target ?? null) : null,
      required: input.required ?? false,
      position: input.position ?? existing.length,
      createdBy: ctx.memberId,
    })
    .returning();
  const api = toFieldDefinition(row);
  await writeHistory(conn, ctx, 'field_definition', row.id, 'create', [{ field: null, old: null, new: api }]);
  await emitEvent(conn, ctx, 'field_definition.created', 'field_definition', row.id, { after: api });
  return api;
}

export async function updateFieldDefinition(conn: Conn, ctx: Ctx, id: string, version: number, input: FieldDefinitionUpdate) {
  const current = await findRow<Row>(conn, ctx, fieldDefinitionDef, id);
  if (input.options !== undefined) checkOptions(current.type, input.options);
  const { version: _v, ...patch } = input;
  return updateRecord(conn, ctx, fieldDefinitionDef, id, version, patch, toFieldDefinition);
}

/**
 * Removing a definition moves its values off the records into the archive: records read as if the
 * field had never existed (and a value cannot be half there, shown but not editable), and restoring
 * the field puts every value back. `object` is the field's object (a custom object's records share
 * a table, so its scope keeps the move to them).
 */
export async function deleteFieldDefinition(conn: Conn, ctx: Ctx, object: ObjectDef, id: string, version?: number) {
  const before = await findRow<Row>(conn, ctx, fieldDefinitionDef, id, true);
  const after = await softDeleteRecord(conn, ctx, fieldDefinitionDef, id, version, toFieldDefinition);
  if (!before.deletedAt) {
    const t = sql.identifier(getTableName(object.table));
    const col = (c: string) => sql`${t}.${sql.identifier(c)}`;
    const scope = object.scope ? sql` and ${object.scope}` : sql``;
    await conn.execute(sql`
      with old as (
        select ${col('id')} as id, ${col('custom')} -> ${before.key}::text as value from ${t}
        where ${col('workspace_id')} = ${ctx.workspaceId} and jsonb_exists(${col('custom')}, ${before.key}::text)${scope} for update
      ), kept as (
        insert into custom_value_archive (workspace_id, field_id, record_id, value)
        select ${ctx.workspaceId}, ${id}, old.id, old.value from old
        on conflict (workspace_id, field_id, record_id) do update set value = excluded.value
      )
      update ${t} set custom = ${col('custom')} - ${before.key}::text from old where ${col('workspace_id')} = ${ctx.workspaceId} and ${col('id')} = old.id`);
  }
  return after;
}

/** Brings a field back from the trash with the values it had. */
export async function restoreFieldDefinition(conn: Conn, ctx: Ctx, object: ObjectDef, id: string) {
  const row = await findRow<Row>(conn, ctx, fieldDefinitionDef, id, true);
  if (row.deletedAt) {
    const live = await customDefs(conn, ctx, row.objectType);
    if (live.length >= MAX_FIELDS_PER_OBJECT) {
      throw conflict('too_many', `at most ${MAX_FIELDS_PER_OBJECT} custom fields per object; remove one first`);
    }
    const t = sql.identifier(getTableName(object.table));
    const col = (c: string) => sql`${t}.${sql.identifier(c)}`;
    await conn.execute(sql`
      with back as (
        delete from custom_value_archive a where a.workspace_id = ${ctx.workspaceId} and a.field_id = ${id}
        returning a.record_id, a.value
      )
      -- jsonb_set, which is immutable: Citus refuses jsonb_build_object (stable) over columns in UPDATE.
      update ${t} set custom = jsonb_set(${col('custom')}, array[${row.key}::text], back.value)
      from back where ${col('workspace_id')} = ${ctx.workspaceId} and ${col('id')} = back.record_id`);
  }
  return restoreRecord(conn, ctx, fieldDefinitionDef, id, toFieldDefinition);
}

/** Deletes a field in the trash for good, with its archived values: its key is free again. */
export async function purgeFieldDefinition(conn: Conn, ctx: Ctx, id: string) {
  const row = await findRow<Row>(conn, ctx, fieldDefinitionDef, id, true);
  if (!row.deletedAt)
    throw conflict('not_in_trash', 'Move the field to the trash first; only a field in the trash can be deleted for good');
  await conn.delete(fieldDefinitions).where(and(eq(fieldDefinitions.workspaceId, ctx.workspaceId), eq(fieldDefinitions.id, id)));
  await recordChange(conn, ctx, 'field_definition', id, 'delete', [{ field: null, old: toFieldDefinition(row), new: null }]);
}

/**
 * Validates custom values for a write and returns what to store. Other problems found by the
 * caller (unknown owner …) are reported together, so a form shows every error at once.
 */
export async function checkCustom(
  conn: Conn,
  ctx: Ctx,
  objectType: string,
  input: Record<string, unknown> | undefined,
  current: Record<string, unknown> | null,
  creating: boolean,
) {
  if (!creating && input === undefined) return current ?? {};
  const defs = await customDefs(conn, ctx, objectType);
  const phones = defs.some((d) => d.type === 'phone' && input?.[d.key] != null);
  const country = phones ? await workspaceCountry(conn, ctx) : null;
  const { value, errors } = validateCustom(defs, input, current, creating, 'body.custom', country);
  if (errors.length) throw invalid(errors);
  await checkRelations(conn, ctx, defs, input ?? {});
  return value;
}

/** Relation values must name a live record of their target in this workspace (422 naming the field otherwise). */
async function checkRelations(conn: Conn, ctx: Ctx, defs: CustomDef[], input: Record<string, unknown>) {
  const { objectDefs } = await import('../registry.ts');
  const { defOfKey } = await import('../objects/objects.service.ts');
  for (const d of defs) {
    const v = input[d.key];
    if (d.type !== 'relation' || typeof v !== 'string' || !d.target) continue;
    const target = objectDefs[d.target] ?? (await defOfKey(conn, ctx, d.target).catch(() => null));
    if (!target)
      throw invalid([{ field: `body.custom.${d.key}`, code: 'unknown_record', message: `${d.label} points to an object that is gone` }]);
    await assertRecords(conn, ctx, target, [{ field: `body.custom.${d.key}`, id: v }]);
  }
}

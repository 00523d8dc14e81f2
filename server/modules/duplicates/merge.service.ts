import { and, asc, eq, getTableName, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DuplicateType, Merge, MergeRequest } from '../../../contract/duplicates.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, type FieldError, invalid, notFound } from '../../http/errors.ts';
import { updateRecord } from '../../records/crud.ts';
import { columnsOf, type ObjectDef } from '../../records/object-def.ts';
import { assertAction, visibleWhere } from '../../records/visibility.ts';
import { logSecurityEvent } from '../audit/security-log.ts';
import { companyDef, deleteCompany, restoreCompany, toCompany } from '../companies/companies.service.ts';
import { contactDef, contactMapper, deleteContact, restoreContact } from '../contacts/contacts.service.ts';
import { dealDef, dealMapper, deleteDeal, restoreDeal } from '../deals/deals.service.ts';
import { customDefs } from '../fields/fields.service.ts';
import { emitEvent, writeHistory } from '../history/history.service.ts';
import { deleteLead, leadDef, restoreLead, toLead } from '../leads/leads.service.ts';
import { merges } from './duplicates.table.ts';
import { type Repointed, repoint, rowsAsJson, unrepoint } from './merge-links.ts';

type Row = Record<string, unknown> & { id: string; version: number; deletedAt: Date | null; custom: Record<string, unknown> };
type Mapper = (r: never) => Record<string, unknown>;

/** What a merge needs of each object's module: its row mapper (for history and events), delete and restore. */
const objects: Record<
  DuplicateType,
  {
    def: ObjectDef;
    mapper(conn: Conn, ctx: Ctx, id: string): Promise<Mapper>;
    remove(conn: Conn, ctx: Ctx, id: string, version?: number): Promise<unknown>;
    restore(conn: Conn, ctx: Ctx, id: string): Promise<unknown>;
  }
> = {
  contact: { def: contactDef, mapper: contactMapper as never, remove: deleteContact, restore: restoreContact },
  company: { def: companyDef, mapper: async () => toCompany as Mapper, remove: deleteCompany, restore: restoreCompany },
  lead: { def: leadDef, mapper: async () => toLead as Mapper, remove: deleteLead, restore: restoreLead },
  deal: { def: dealDef, mapper: dealMapper as never, remove: deleteDeal, restore: restoreDeal },
};

/** What a merge keeps to undo it. */
interface Before {
  records: Record<string, Record<string, unknown>>;
  repointed: Repointed;
}

const isEmpty = (v: unknown) =>
  v === null ||
  v === undefined ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !(v instanceof Date) && Object.keys(v as object).length === 0);

/** Locks the records, lowest id first (two merges over the same records then wait instead of deadlocking). */
async function lockRows(conn: Conn, ctx: Ctx, def: ObjectDef, ids: string[]) {
  const t = def.table;
  return (await conn
    .select()
    .from(t)
    // Only records the request may see and edit take part; the others read as not found.
    .where(and(eq(t.workspaceId, ctx.workspaceId), inArray(t.id, ids), visibleWhere(ctx, def, 'read'), visibleWhere(ctx, def, 'edit')))
    .orderBy(asc(t.id))
    .for('update')) as Row[];
}

/** The request checked against the records: each problem names the field it came from. */
async function checkRequest(conn: Conn, ctx: Ctx, type: DuplicateType, input: MergeRequest, rows: Row[]) {
  const { def } = objects[type];
  const errors: FieldError[] = [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const what = def.label.toLowerCase();
  const check = (field: string, id: string) => {
    const r = byId.get(id);
    if (!r) errors.push({ field, code: 'unknown_record', message: `is not a ${what} of this workspace` });
    else if (r.deletedAt) errors.push({ field, code: 'record_deleted', message: `this ${what} is in the trash; restore it first` });
  };
  check('body.survivorId', input.survivorId);
  const seen = new Set<string>();
  input.mergedIds.forEach((id, i) => {
    const field = `body.mergedIds.${i}`;
    if (id === input.survivorId) errors.push({ field, code: 'same_as_survivor', message: 'a record cannot be merged into itself' });
    else if (seen.has(id)) errors.push({ field, code: 'duplicate', message: 'names the same record twice' });
    else check(field, id);
    seen.add(id);
  });
  const involved = new Set([input.survivorId, ...input.mergedIds]);
  const customs = new Set((await customDefs(conn, ctx, type)).map((d) => d.key));
  for (const [field, source] of Object.entries(input.fields ?? {})) {
    const known = field.startsWith('custom.') ? customs.has(field.slice(7)) : Object.hasOwn(def.merge?.fields ?? {}, field);
    if (!known) errors.push({ field: `body.fields.${field}`, code: 'unknown_field', message: `is not a field a ${what} merge can pick` });
    else if (!involved.has(source)) {
      errors.push({ field: `body.fields.${field}`, code: 'not_in_merge', message: 'names a record that is not part of this merge' });
    }
  }
  for (const id of Object.keys(input.versions ?? {})) {
    if (!involved.has(id))
      errors.push({ field: `body.versions.${id}`, code: 'not_in_merge', message: 'names a record that is not part of this merge' });
  }
  if (errors.length) throw invalid(errors);
  const stale = Object.entries(input.versions ?? {}).filter(([id, v]) => byId.get(id)?.version !== v);
  if (stale.length) {
    throw conflict('version_conflict', `Some of these records changed since you read them; reload and merge again.`, {
      records: stale.map(([id]) => ({ id, currentVersion: byId.get(id)?.version })),
    });
  }
}

/**
 * The survivor's new values: each field from the record named for it; a field not named keeps the
 * survivor's value unless empty, then takes the first merged record's that is not; a list field
 * (emails) not named joins every record's items, each once.
 */
function mergedValues(def: ObjectDef, survivor: Row, merged: Row[], picked: Record<string, string>) {
  const spec = def.merge;
  if (!spec) throw new Error(`${def.type} declares no merge`);
  const all = [survivor, ...merged];
  const byId = new Map(all.map((r) => [r.id, r]));
  const patch: Record<string, unknown> = {};
  for (const [field, keys] of Object.entries(spec.fields)) {
    const by = spec.lists && Object.hasOwn(spec.lists, field) ? spec.lists[field] : null;
    if (picked[field]) {
      const src = byId.get(picked[field]) as Row;
      for (const k of keys) patch[k] = src[k];
    } else if (by) {
      const items: Record<string, unknown>[] = [];
      const seen = new Set<string>();
      for (const r of all) {
        for (const item of (r[keys[0]] as Record<string, unknown>[] | null) ?? []) {
          const key = String(item.e164 ?? item[by]).toLowerCase();
          if (!seen.has(key)) items.push(item);
          seen.add(key);
        }
      }
      patch[keys[0]] = items;
    } else {
      const src = isEmpty(survivor[keys[0]]) ? (merged.find((r) => !isEmpty(r[keys[0]])) ?? survivor) : survivor;
      for (const k of keys) patch[k] = src[k];
    }
  }
  if (def.hasCustom) {
    const custom: Record<string, unknown> = {};
    const keys = new Set(all.flatMap((r) => Object.keys(r.custom ?? {})));
    for (const k of keys) {
      const chosen = picked[`custom.${k}`];
      const src = chosen ? byId.get(chosen) : all.find((r) => !isEmpty(r.custom?.[k]));
      const v = src?.custom?.[k];
      if (v !== undefined) custom[k] = v;
    }
    patch.custom = custom;
  }
  if (def.lastActivityAt) {
    const key = Object.entries(columnsOf(def)).find(([, c]) => c === def.lastActivityAt)?.[0];
    const times = all.map((r) => (key ? (r[key] as Date | null) : null)).filter((d): d is Date => d instanceof Date);
    if (key) patch[key] = times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : null;
  }
  return patch;
}

const toMerge = (m: typeof merges.$inferSelect): Merge => ({
  id: m.id,
  type: m.recordType as DuplicateType,
  survivorId: m.survivorId,
  mergedIds: m.mergedIds,
  fields: m.fields,
  createdAt: m.createdAt.toISOString(),
  createdBy: m.createdBy,
  undoneAt: m.undoneAt?.toISOString() ?? null,
});

/**
 * Merges records into one, in the caller's transaction: every link, reference and relation value
 * naming a merged record is moved to the survivor, the survivor takes the picked values (history
 * action `merge`), the merged records go to the trash with a `merge` history row naming the
 * survivor, and `<type>.merged` is written. What was there before is kept to undo it.
 */
export async function mergeRecords(conn: Conn, ctx: Ctx, type: DuplicateType, input: MergeRequest) {
  const { def, mapper, remove } = objects[type];
  assertAction(ctx, def, 'merge');
  const ids = [input.survivorId, ...new Set(input.mergedIds)];
  const rows = await lockRows(conn, ctx, def, ids);
  await checkRequest(conn, ctx, type, input, rows);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const survivor = byId.get(input.survivorId) as Row;
  const merged = input.mergedIds.map((id) => byId.get(id) as Row);
  const id = uuidv7();
  const records = await rowsAsJson(conn, ctx, def, ids);

  const repointed = await repoint(conn, ctx, type, survivor.id, input.mergedIds);
  const patch = mergedValues(def, survivor, merged, input.fields ?? {});
  const after = await updateRecord(conn, ctx, def, survivor.id, survivor.version, patch, await mapper(conn, ctx, survivor.id), 'merge');
  await writeHistory(
    conn,
    ctx,
    type,
    survivor.id,
    'merge',
    [{ field: null, old: null, new: { mergeId: id, mergedIds: input.mergedIds } }],
    Number(after.version),
  );
  const versions: Record<string, number> = { [survivor.id]: Number(after.version) };
  for (const m of merged) {
    await writeHistory(conn, ctx, type, m.id, 'merge', [{ field: 'mergedInto', old: null, new: survivor.id }], m.version);
    const gone = (await remove(conn, ctx, m.id)) as { version: number };
    versions[m.id] = gone.version;
  }
  const before: Before = { records, repointed };
  const [row] = await conn
    .insert(merges)
    .values({
      workspaceId: ctx.workspaceId,
      id,
      recordType: type,
      survivorId: survivor.id,
      mergedIds: input.mergedIds,
      fields: input.fields ?? {},
      before,
      versions,
      createdBy: ctx.memberId,
    })
    .returning();
  await logSecurityEvent(conn, ctx, 'records.merged', { type, id: survivor.id }, { mergeId: id, mergedIds: input.mergedIds });
  await emitEvent(conn, ctx, `${type}.merged`, type, survivor.id, {
    mergeId: id,
    survivorId: survivor.id,
    mergedIds: input.mergedIds,
    after,
  });
  return { merge: toMerge(row), survivor: after };
}

export async function getMerge(conn: Conn, ctx: Ctx, id: string) {
  const [row] = await conn
    .select()
    .from(merges)
    .where(and(eq(merges.workspaceId, ctx.workspaceId), eq(merges.id, id)));
  if (!row) throw notFound('Merge');
  return toMerge(row);
}

/**
 * Undoes a merge: the merged records come back from the trash, every link and reference it moved
 * points at them again, and the survivor gets its earlier values back. Refused (409) when one of
 * the records changed since the merge, which an undo would silently overwrite, or when it was
 * undone already.
 */
export async function undoMerge(conn: Conn, ctx: Ctx, id: string) {
  const [m] = await conn
    .select()
    .from(merges)
    .where(and(eq(merges.workspaceId, ctx.workspaceId), eq(merges.id, id)))
    .for('update');
  if (!m) throw notFound('Merge');
  if (m.undoneAt) throw conflict('already_undone', 'This merge was undone already');
  const type = m.recordType as DuplicateType;
  const { def, mapper, restore } = objects[type];
  const ids = [m.survivorId, ...m.mergedIds];
  const rows = new Map((await lockRows(conn, ctx, def, ids)).map((r) => [r.id, r]));
  const changed = ids.filter((rid) => rows.get(rid)?.version !== m.versions[rid]);
  if (changed.length) {
    throw conflict(
      'changed_since_merge',
      'Records of this merge changed since (edited, restored or deleted for good); undoing it would overwrite that. Merge or edit them by hand instead.',
      { records: changed },
    );
  }
  const before = m.before as Before;
  for (const mid of m.mergedIds) {
    const back = (await restore(conn, ctx, mid)) as { version: number };
    await writeHistory(conn, ctx, type, mid, 'merge', [{ field: 'mergedInto', old: m.survivorId, new: null }], back.version);
  }
  await unrepoint(conn, ctx, type, m.survivorId, before.repointed);
  // The survivor's columns as the merge found them, read from the kept row into the table's own types.
  const snapshot = JSON.stringify(before.records[m.survivorId]);
  const table = sql.identifier(getTableName(def.table));
  const keep = new Set(['workspaceId', 'id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'deletedAt']);
  const patch = Object.fromEntries(
    Object.entries(columnsOf(def))
      .filter(([key]) => !keep.has(key))
      .map(([key, c]) => [key, sql`(jsonb_populate_record(null::${table}, ${snapshot}::jsonb)).${sql.identifier(c.name)}`]),
  );
  const survivor = rows.get(m.survivorId) as Row;
  const after = await updateRecord(conn, ctx, def, m.survivorId, survivor.version, patch, await mapper(conn, ctx, m.survivorId), 'merge');
  await writeHistory(
    conn,
    ctx,
    type,
    m.survivorId,
    'merge',
    [{ field: null, old: { mergeId: m.id, mergedIds: m.mergedIds }, new: null }],
    Number(after.version),
  );
  const [row] = await conn
    .update(merges)
    .set({ undoneAt: sql`now()`, undoneBy: ctx.memberId })
    .where(and(eq(merges.workspaceId, ctx.workspaceId), eq(merges.id, m.id)))
    .returning();
  await emitEvent(conn, ctx, `${type}.merge_undone`, type, m.survivorId, {
    mergeId: m.id,
    survivorId: m.survivorId,
    mergedIds: m.mergedIds,
    after,
  });
  return toMerge(row);
}

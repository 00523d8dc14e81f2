import { and, eq, sql } from 'drizzle-orm';
import { type ImportUndo, type ImportUndoPreview, type UndoCounts, type UndoSkip, undoTypes } from '../../../contract/imports.ts';
import { type Conn, type Database, type Db, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { ObjectDef } from '../../records/object-def.ts';
import { trashRecords } from '../../records/set-writes.ts';
import { deleteActivity, getActivity } from '../activities/activities.service.ts';
import { getCompany, updateCompany } from '../companies/companies.service.ts';
import { getContact, updateContact } from '../contacts/contacts.service.ts';
import { changesByOthers, changesOfRequest, type WrittenChange } from '../history/history.service.ts';
import { defOfType, typeOfKey } from '../objects/objects.service.ts';
import { objectDefs } from '../registry.ts';
import { customKeyOf } from './importables.ts';
import { lockWorkspaceImports } from './imports.service.ts';
import { imports } from './imports.table.ts';

// Undoing an import (issue 13). An import writes every record with its request id on the history
// rows (each batch in its own transaction), so what it did is read back from history, whatever
// state it ended in — completed, cancelled, or failed after a worker was killed mid-way: the
// records it created go to the trash (nothing is lost; they can be restored from there), the
// records it updated get back the values they had before it, field by field. A field someone else
// changed after the import keeps their value, and the summary says so. The undo runs as a job, a
// batch per transaction, with its own request id on what it writes: run again after a stop, it
// finds the records already trashed out of the trash's way and the values already restored equal
// to what it would write, and carries on.

const types = undoTypes;
type UndoType = (typeof types)[number];
/** Each type's definition in the registry: what the trash step writes through. */
const restorable: readonly UndoType[] = ['contact', 'company'];
const defOf = (type: UndoType): ObjectDef => objectDefs[type] as ObjectDef;

/**
 * Moves records an import created to the trash, returning how many it moved. Set-based for every
 * object with an event shape; an activity (its event reads its links) through its module, one at a time.
 */
async function trash(conn: Conn, ctx: Ctx, type: UndoType, ids: string[], customDef?: ObjectDef) {
  // A custom object's records are written through its own definition, whose event shape names its key.
  if (type === 'custom_record') return customDef ? trashRecords(conn, ctx, customDef, ids) : 0;
  if (type !== 'activity') return trashRecords(conn, ctx, defOf(type), ids);
  let moved = 0;
  for (const id of ids) {
    const a = await getActivity(conn, ctx, id).catch(() => null);
    if (!a || a.deletedAt) continue;
    await deleteActivity(conn, ctx, id);
    moved++;
  }
  return moved;
}

/** How many skipped fields an import keeps listed; `skippedCount` counts them all. */
const MAX_SKIPS = 100;
const RESTORE_BATCH = 100;
const TRASH_BATCH = 1000;

/** The request id an undo's own history rows carry: its writes are not "someone else's" when it runs again. */
export const undoRequestId = (importId: string) => `undo:${importId}`;

export const zero = (): UndoCounts => ({ contact: 0, company: 0, lead: 0, deal: 0, task: 0, activity: 0, custom_record: 0 });

/** A record the import updated: the values its fields had before the import, and the version the import left it at. */
interface Restore {
  type: UndoType;
  id: string;
  before: Map<string, unknown>;
  version: number;
}

interface Plan {
  created: Record<UndoType, string[]>;
  restores: Restore[];
  skipped: UndoSkip[];
}

/** What undoing an import means, read from history: the records it created, and the fields it changed that nobody has changed since. */
async function planUndo(conn: Conn, ctx: Ctx, importId: string, requestId: string): Promise<Plan> {
  const changes = await changesOfRequest(conn, ctx, requestId, types);
  const created = Object.fromEntries(types.map((t) => [t, new Set<string>()])) as Record<UndoType, Set<string>>;
  for (const c of changes) if (c.action === 'create') created[c.recordType as UndoType].add(c.recordId);
  const updated = new Map<string, Restore>();
  for (const c of changes) {
    const type = c.recordType as UndoType;
    // Only the contact and company importers update records (the generic one only creates).
    if (c.action !== 'update' || !c.field || created[type].has(c.recordId) || !restorable.includes(type)) continue;
    const key = `${type}:${c.recordId}`;
    let r = updated.get(key);
    if (!r) {
      r = { type, id: c.recordId, before: new Map(), version: 0 };
      updated.set(key, r);
    }
    // The oldest row of a field holds its value from before the import (a later batch may have updated it again).
    if (!r.before.has(c.field)) r.before.set(c.field, c.old);
    r.version = Math.max(r.version, c.version ?? 0);
  }
  const skipped: UndoSkip[] = [];
  const restores: Restore[] = [];
  for (const type of restorable) {
    const mine = [...updated.values()].filter((r) => r.type === type);
    const others = await changesByOthers(
      conn,
      ctx,
      type,
      mine.map((r) => r.id),
      [requestId, undoRequestId(importId)],
    );
    const byRecord = new Map<string, WrittenChange[]>();
    for (const o of others) byRecord.set(o.recordId, [...(byRecord.get(o.recordId) ?? []), o]);
    for (const r of mine) {
      const later = (byRecord.get(r.id) ?? []).filter((o) => o.version !== null && o.version > r.version);
      const gone = later.filter((o) => o.field === null && (o.action === 'delete' || o.action === 'restore' || o.action === 'purge'));
      if (gone.at(-1)?.action === 'delete' || gone.at(-1)?.action === 'purge') {
        skipped.push({ recordType: type, recordId: r.id, field: null, reason: 'moved to the trash since the import; left as it is' });
        continue;
      }
      for (const o of later) {
        if (o.field && r.before.has(o.field)) {
          r.before.delete(o.field);
          skipped.push({
            recordType: type,
            recordId: r.id,
            field: o.field,
            reason: 'changed by someone else since the import; their value kept',
          });
        }
      }
      if (r.before.size) restores.push(r);
    }
  }
  return {
    created: Object.fromEntries(types.map((t) => [t, [...created[t]]])) as Record<UndoType, string[]>,
    restores,
    skipped: dedupe(skipped),
  };
}

const dedupe = (skips: UndoSkip[]) => {
  const seen = new Set<string>();
  return skips.filter((s) => {
    const k = `${s.recordType}:${s.recordId}:${s.field}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

/** Of some records, how many are not in the trash. */
async function liveCount(conn: Conn, ctx: Ctx, def: ObjectDef, ids: string[]) {
  if (!ids.length) return 0;
  const t = def.table;
  const [row] = await selectRows<{ n: number }>(
    conn,
    sql`select count(*)::int as n from ${t} where ${t.workspaceId} = ${ctx.workspaceId} and ${t.id} = any(${pgArray(ids, 'uuid')}) and ${t.deletedAt} is null`,
  );
  return Number(row?.n ?? 0);
}

async function importRow(conn: Conn, ctx: Ctx, id: string, lock = false) {
  const q = conn
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Import');
  return row;
}

/** Why an import cannot be undone now, or null when it can. */
function refusal(row: typeof imports.$inferSelect): string | null {
  if (!['completed', 'failed', 'cancelled'].includes(row.status))
    return 'The import is still running; cancel it or wait for it to finish first';
  if (!row.requestId) return 'This import was made before imports could be undone';
  if (row.undo && row.undo.status !== 'failed')
    return row.undo.status === 'completed' ? 'The import has been undone already' : 'The import is being undone';
  return null;
}

/** `GET /imports/{id}/undo`: what an undo would do, counted before anything is done. */
export async function previewUndo(conn: Conn, ctx: Ctx, id: string): Promise<ImportUndoPreview> {
  const row = await importRow(conn, ctx, id);
  const reason = refusal(row);
  const willTrash = zero();
  const willRestore = zero();
  let skipped: UndoSkip[] = [];
  if (row.requestId) {
    const plan = await planUndo(conn, ctx, id, row.requestId);
    for (const type of types) willTrash[type] = await liveCount(conn, ctx, defOf(type), plan.created[type]);
    for (const r of plan.restores) willRestore[r.type]++;
    skipped = plan.skipped;
  }
  return {
    importId: id,
    possible: reason === null,
    reason,
    willTrash,
    willRestore,
    skipped: skipped.slice(0, MAX_SKIPS),
    skippedCount: skipped.length,
  };
}

/** `POST /imports/{id}/undo`: queues the undo job (409 when the import is running or undone already; a failed undo may be asked for again). */
export async function requestUndo(db: Db, ctx: Ctx, id: string, job: Parameters<typeof enqueue>[1]) {
  await db.transaction(async (tx) => {
    const row = await importRow(tx, ctx, id, true);
    const reason = refusal(row);
    if (reason) throw conflict('undo_not_possible', reason);
    const undo: ImportUndo = {
      status: 'queued',
      requestedBy: ctx.memberId,
      requestedAt: new Date().toISOString(),
      finishedAt: null,
      trashed: zero(),
      restored: zero(),
      skipped: [],
      skippedCount: 0,
      failure: null,
    };
    await tx
      .update(imports)
      .set({ undo })
      .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
    await enqueue(tx, job, { workspaceId: ctx.workspaceId, importId: id }, { workspaceId: ctx.workspaceId });
  });
}

/** A restore as the object's update takes it: the fields' earlier values, custom fields and a contact's companies in their input shapes. */
function patchOf(r: Restore, current: Record<string, unknown>) {
  const patch: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  const currentCustom = (current.custom ?? {}) as Record<string, unknown>;
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  for (const [field, old] of r.before) {
    if (field.startsWith('custom.')) {
      const key = field.slice(7);
      if (!same(currentCustom[key], old)) custom[key] = old ?? null;
    } else if (field === 'phoneE164') {
      // Follows the company's phone.
    } else if (!same(current[field], old)) {
      if (field === 'phones')
        patch.phones = ((old ?? []) as { label: string; value: string }[]).map(({ label, value }) => ({ label, value }));
      else if (field === 'companies')
        patch.companies = ((old ?? []) as { companyId: string; role: string | null; isPrimary: boolean }[]).map(
          ({ companyId, role, isPrimary }) => ({
            companyId,
            role,
            isPrimary,
          }),
        );
      else patch[field] = old;
    }
  }
  if (Object.keys(custom).length) patch.custom = custom;
  return patch;
}

/** Gives one record its earlier values back; true when something was written. */
async function restoreOne(conn: Conn, ctx: Ctx, r: Restore) {
  if (r.type === 'contact') {
    const current = await getContact(conn, ctx, r.id);
    const patch = patchOf(r, current);
    if (!Object.keys(patch).length) return false;
    await updateContact(conn, ctx, r.id, current.version, patch);
    return true;
  }
  const current = await getCompany(conn, ctx, r.id);
  const patch = patchOf(r, current);
  if (!Object.keys(patch).length) return false;
  await updateCompany(conn, ctx, r.id, current.version, patch);
  return true;
}

/** Runs (or carries on) an import's undo: restores first, then the trash, a batch per transaction with the undo's counts. */
export async function runUndo(database: Database, workspaceId: string, importId: string, signal: AbortSignal) {
  const { db } = database;
  const where = and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId));
  const [row] = await db.select().from(imports).where(where);
  if (!row?.undo || row.undo.status === 'completed' || !row.requestId) return;
  const requestedBy = row.undo.requestedBy ?? row.createdBy;
  const ctx: Ctx = {
    workspaceId,
    memberId: requestedBy as string,
    actor: { type: 'member', id: requestedBy },
    role: 'member',
    requestId: undoRequestId(importId),
  };
  const undo: ImportUndo = { ...row.undo, status: 'running' };
  const save = (conn: Conn) =>
    conn
      .update(imports)
      .set({ undo: { ...undo, skipped: undo.skipped.slice(0, MAX_SKIPS) } })
      .where(where);
  await save(db);
  const plan = await planUndo(db, ctx, importId, row.requestId);
  const customKey = customKeyOf(row.objectType);
  const customDef =
    customKey && plan.created.custom_record.length ? defOfType(await typeOfKey(db, ctx, customKey, { withTrash: true })) : undefined;
  const skipped = [...plan.skipped];
  const sync = () => {
    undo.skipped = dedupe(skipped);
    undo.skippedCount = undo.skipped.length;
  };
  sync();
  for (let i = 0; i < plan.restores.length; i += RESTORE_BATCH) {
    if (signal.aborted) return;
    await db.transaction(async (tx) => {
      await lockWorkspaceImports(tx, workspaceId);
      for (const r of plan.restores.slice(i, i + RESTORE_BATCH)) {
        try {
          // A savepoint each: a record that refuses its earlier values (in the trash now) leaves the batch's others written.
          if (await tx.transaction((sp) => restoreOne(sp, ctx, r))) undo.restored[r.type]++;
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          skipped.push({ recordType: r.type, recordId: r.id, field: null, reason: `left as it is: ${e.message}` });
        }
      }
      sync();
      await save(tx);
    });
  }
  for (const type of types) {
    const ids = plan.created[type];
    for (let i = 0; i < ids.length; i += TRASH_BATCH) {
      if (signal.aborted) return;
      await db.transaction(async (tx) => {
        await lockWorkspaceImports(tx, workspaceId);
        undo.trashed[type] += await trash(tx, ctx, type, ids.slice(i, i + TRASH_BATCH), customDef);
        await save(tx);
      });
      await new Promise((r) => setImmediate(r));
    }
  }
  undo.status = 'completed';
  undo.finishedAt = new Date().toISOString();
  await save(db);
}

/** Marks an undo failed (its job gave up); what it did stays, and it may be asked for again. */
export async function failUndo(db: Db, workspaceId: string, importId: string, why: string) {
  const where = and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId));
  const [row] = await db.select({ undo: imports.undo }).from(imports).where(where);
  if (!row?.undo) return;
  await db
    .update(imports)
    .set({ undo: { ...row.undo, status: 'failed', failure: why.slice(0, 1000), finishedAt: new Date().toISOString() } })
    .where(where);
}

import { and, desc, eq, lt, or } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { badRequest } from '../../http/errors.ts';
import { domainEvents, recordHistory } from './history.table.ts';

export type HistoryAction = (typeof recordHistory.$inferInsert)['action'];
export interface FieldChange {
  field: string | null;
  old: unknown;
  new: unknown;
}

/** Writes the audit rows of one change, in the caller's transaction. */
export async function writeHistory(
  conn: Conn,
  ctx: Ctx,
  recordType: string,
  recordId: string,
  action: HistoryAction,
  changes: FieldChange[],
) {
  if (!changes.length) return;
  await conn.insert(recordHistory).values(
    changes.map((c) => ({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      recordType,
      recordId,
      action,
      field: c.field,
      oldValue: c.old ?? null,
      newValue: c.new ?? null,
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      requestId: ctx.requestId,
    })),
  );
}

/** Appends a domain event to the outbox in the caller's transaction (`contact.updated`, `deal.stage_changed` …). */
export async function emitEvent(
  conn: Conn,
  ctx: Ctx,
  type: string,
  recordType: string,
  recordId: string,
  payload: Record<string, unknown>,
) {
  await conn.insert(domainEvents).values({
    workspaceId: ctx.workspaceId,
    id: uuidv7(),
    type,
    recordType,
    recordId,
    payload,
    actorId: ctx.actor.id,
  });
}

const pastTense: Record<HistoryAction, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  restore: 'restored',
  merge: 'merged',
  convert: 'converted',
};

/**
 * History rows and the matching domain event (`member.updated`, `api_key.created` …) in one call,
 * for changes outside the record engine (workspace settings, members, keys, invitations).
 */
export async function recordChange(
  conn: Conn,
  ctx: Ctx,
  recordType: string,
  recordId: string,
  action: HistoryAction,
  changes: FieldChange[],
) {
  if (!changes.length) return;
  await writeHistory(conn, ctx, recordType, recordId, action, changes);
  await emitEvent(conn, ctx, `${recordType}.${pastTense[action]}`, recordType, recordId, { changes });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Field-by-field difference of two API shapes. Custom fields are compared key by key and
 * reported as `custom.<key>`, so the history reads like the form a person edited.
 */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>, skip: string[] = []): FieldChange[] {
  const ignored = new Set(['version', 'updatedAt', 'createdAt', 'createdBy', ...skip]);
  const out: FieldChange[] = [];
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (ignored.has(field)) continue;
    if (field === 'custom') {
      const b = (before.custom ?? {}) as Record<string, unknown>;
      const a = (after.custom ?? {}) as Record<string, unknown>;
      for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
        if (!same(b[k], a[k])) out.push({ field: `custom.${k}`, old: b[k] ?? null, new: a[k] ?? null });
      }
    } else if (!same(before[field], after[field])) {
      out.push({ field, old: before[field] ?? null, new: after[field] ?? null });
    }
  }
  return out;
}

/** A record's history, newest first, paged by the time-ordered row id. */
export async function listHistory(conn: Conn, ctx: Ctx, recordType: string, recordId: string, limit = 50, cursor?: string) {
  if (cursor && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(cursor))
    throw badRequest('query.cursor', 'bad_cursor', 'cursor is not valid');
  const rows = await conn
    .select()
    .from(recordHistory)
    .where(
      and(
        eq(recordHistory.workspaceId, ctx.workspaceId),
        eq(recordHistory.recordType, recordType),
        eq(recordHistory.recordId, recordId),
        cursor ? or(lt(recordHistory.id, cursor)) : undefined,
      ),
    )
    .orderBy(desc(recordHistory.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    data: page.map((r) => ({
      id: r.id,
      action: r.action,
      field: r.field,
      oldValue: r.oldValue,
      newValue: r.newValue,
      actorType: r.actorType,
      actorId: r.actorId,
      requestId: r.requestId,
      at: r.at.toISOString(),
    })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

import { and, asc, desc, eq, gte, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { isEventType } from '../../../contract/events.ts';
import { type Conn, pgArray } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { badRequest } from '../../http/errors.ts';
import type { FieldChange, HistoryAction } from '../../records/changes.ts';
import { logSecurityEvent, securityKindOf } from '../audit/security-log.ts';
import { recordHistory } from './history.table.ts';
import { EVENTS_CHANNEL } from './outbox.ts';

/** Writes the audit rows of one change, in the caller's transaction. */
export async function writeHistory(
  conn: Conn,
  ctx: Ctx,
  recordType: string,
  recordId: string,
  action: HistoryAction,
  changes: FieldChange[],
  /** The record's version after this change, when it has one. */
  version?: number,
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
      version: version ?? null,
    })),
  );
}

/**
 * The fields of a record changed after `version` (as history names them: `name`, `custom.tier`),
 * or null when some change since then has no version on record (it predates versions in history):
 * then nothing can be said field by field.
 */
export async function fieldsChangedSince(conn: Conn, ctx: Ctx, recordType: string, recordId: string, version: number) {
  const rows = await conn
    .select({ field: recordHistory.field, version: recordHistory.version })
    .from(recordHistory)
    .where(
      and(
        eq(recordHistory.workspaceId, ctx.workspaceId),
        eq(recordHistory.recordType, recordType),
        eq(recordHistory.recordId, recordId),
        or(sql`${recordHistory.version} > ${version}`, sql`${recordHistory.version} is null`),
      ),
    );
  if (rows.some((r) => r.version === null)) return null;
  return new Set(rows.map((r) => r.field ?? '*'));
}

/** Refuses an event that is not in the catalog (contract/events.ts): every event has a documented shape. */
function checkType(type: string) {
  if (!isEventType(type)) throw new Error(`"${type}" is not in the event catalog (contract/events.ts)`);
}

/**
 * Appends a domain event to the outbox in the caller's transaction (`contact.updated`,
 * `deal.stage_changed` …), with the chain of events that caused the change (ctx.causes).
 */
export async function emitEvent(
  conn: Conn,
  ctx: Ctx,
  type: string,
  recordType: string,
  recordId: string,
  payload: Record<string, unknown>,
) {
  checkType(type);
  const id = uuidv7();
  // The row and the wake-up of the consumers in one statement: every write of a record emits one,
  // and each round trip counts under load. On Citus the insert runs on the workspace's shard as a
  // subplan and pg_notify on the coordinator, where the consumers listen.
  await conn.execute(sql`
    with e as (
      insert into domain_events (workspace_id, id, type, record_type, record_id, payload, actor_id, causes)
      values (${ctx.workspaceId}, ${id}, ${type}, ${recordType}, ${recordId}, ${JSON.stringify(payload)}::jsonb,
        ${ctx.actor.id}::uuid, ${JSON.stringify(ctx.causes ?? [])}::jsonb)
      returning 1
    )
    select pg_notify(${EVENTS_CHANNEL}, '') from e`);
  return id;
}

/**
 * The set-based twins of writeHistory and emitEvent, for writes of many records in one statement
 * (bulk update, import): `INSERT … SELECT` of one history row or one event per row of `from`, whose
 * columns the SQL expressions of `rows` read. Each row gets a time-ordered id (sqlUuidv7) unless
 * `rows.id` names one.
 */
export function historyRowsSql(
  ctx: Ctx,
  recordType: string,
  action: HistoryAction,
  rows: { recordId: SQL; field: SQL; old: SQL; new: SQL; version: SQL; id?: SQL },
  from: SQL,
) {
  return sql`insert into record_history (workspace_id, id, record_type, record_id, action, field, old_value, new_value, actor_type, actor_id, request_id, version)
    select ${ctx.workspaceId}, ${rows.id ?? sqlUuidv7}, ${recordType}, ${rows.recordId}, ${action}, ${rows.field}, ${rows.old}, ${rows.new},
      ${ctx.actor.type}, ${ctx.actor.id}::uuid, ${ctx.requestId}, ${rows.version}
    from ${from}`;
}

export function eventRowsSql(ctx: Ctx, type: string, recordType: string, rows: { recordId: SQL; payload: SQL; id?: SQL }, from: SQL) {
  checkType(type);
  return sql`insert into domain_events (workspace_id, id, type, record_type, record_id, payload, actor_id, causes)
    select ${ctx.workspaceId}, ${rows.id ?? sqlUuidv7}, ${type}, ${recordType}, ${rows.recordId}, ${rows.payload}, ${ctx.actor.id}::uuid,
      ${JSON.stringify(ctx.causes ?? [])}::jsonb
    from ${from}`;
}

/**
 * A UUIDv7 made by PostgreSQL (version 15 has no uuidv7()): the clock's milliseconds over the
 * first 48 bits of a random v4, version nibble set to 7. History is paged by its time-ordered id,
 * so rows written by SQL must sort among those the app makes with the uuidv7 package.
 */
export const sqlUuidv7 = sql`encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
  placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;

const pastTense: Record<HistoryAction, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  restore: 'restored',
  merge: 'merged',
  convert: 'converted',
  purge: 'purged',
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
  const kind = securityKindOf(
    recordType,
    pastTense[action],
    changes.map((c) => c.field),
  );
  if (kind) await logSecurityEvent(conn, ctx, kind, { type: recordType, id: recordId }, { changes });
  await emitEvent(conn, ctx, `${recordType}.${pastTense[action]}`, recordType, recordId, { changes });
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

/** One history row as an undo reads it. */
export interface WrittenChange {
  recordType: string;
  recordId: string;
  action: HistoryAction;
  field: string | null;
  old: unknown;
  version: number | null;
  requestId: string | null;
}

const changeColumns = {
  recordType: recordHistory.recordType,
  recordId: recordHistory.recordId,
  action: recordHistory.action,
  field: recordHistory.field,
  old: recordHistory.oldValue,
  version: recordHistory.version,
  requestId: recordHistory.requestId,
};

/** The creates and updates one request wrote of some record types (an import: every batch carries its request id), in the order written. */
export async function changesOfRequest(conn: Conn, ctx: Ctx, requestId: string, recordTypes: readonly string[]) {
  return (await conn
    .select(changeColumns)
    .from(recordHistory)
    .where(
      and(
        eq(recordHistory.workspaceId, ctx.workspaceId),
        eq(recordHistory.requestId, requestId),
        inArray(recordHistory.recordType, [...recordTypes]),
        inArray(recordHistory.action, ['create', 'update']),
      ),
    )
    .orderBy(asc(recordHistory.id))) as WrittenChange[];
}

/** Every change of some records made by other requests than `requestIds` (someone else's edits since an import), oldest first. */
export async function changesByOthers(
  conn: Conn,
  ctx: Ctx,
  recordType: string,
  recordIds: readonly string[],
  requestIds: readonly string[],
) {
  if (!recordIds.length) return [];
  return (await conn
    .select(changeColumns)
    .from(recordHistory)
    .where(
      and(
        eq(recordHistory.workspaceId, ctx.workspaceId),
        eq(recordHistory.recordType, recordType),
        sql`${recordHistory.recordId} = any(${pgArray(recordIds, 'uuid')})`,
        or(isNull(recordHistory.requestId), sql`${recordHistory.requestId} <> all(${pgArray(requestIds, 'text')})`),
      ),
    )
    .orderBy(asc(recordHistory.id))) as WrittenChange[];
}

export interface ChangeFilter {
  memberId?: string;
  recordType?: string;
  recordId?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** The workspace's changes of every kind (the audit page), newest first, paged by the time-ordered row id. */
export async function listChanges(conn: Conn, ctx: Ctx, f: ChangeFilter) {
  const rows = await conn
    .select()
    .from(recordHistory)
    .where(
      and(
        eq(recordHistory.workspaceId, ctx.workspaceId),
        f.memberId ? and(eq(recordHistory.actorType, 'member'), eq(recordHistory.actorId, f.memberId)) : undefined,
        f.recordType ? eq(recordHistory.recordType, f.recordType) : undefined,
        f.recordId ? eq(recordHistory.recordId, f.recordId) : undefined,
        f.from ? gte(recordHistory.at, new Date(f.from)) : undefined,
        f.to ? lt(recordHistory.at, new Date(f.to)) : undefined,
        f.cursor ? lt(recordHistory.id, f.cursor) : undefined,
      ),
    )
    .orderBy(desc(recordHistory.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  return {
    data: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      recordType: r.recordType,
      recordId: r.recordId,
      action: r.action,
      field: r.field,
      oldValue: r.oldValue,
      newValue: r.newValue,
      actorType: r.actorType,
      actorId: r.actorId,
      requestId: r.requestId,
    })),
    nextCursor: rows.length > f.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

import { and, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { AuditChangeQuery, AuditSettings, SecurityEvent, SecurityEventQuery, SignInQuery } from '../../../contract/audit.ts';
import { auditObjectTypes } from '../../../contract/audit.ts';
import { acrossWorkspaces } from '../../db/citus.ts';
import { affectedRows, type Conn, type Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { type FieldError, invalid } from '../../http/errors.ts';
import { isoDateTime } from '../../http/validation.ts';
import { listSignIns, purgeSignIns } from '../auth/sign-ins.ts';
import { listChanges } from '../history/history.service.ts';
import { auditSettings, securityEvents } from './audit.table.ts';
import { logSecurityEvent } from './security-log.ts';

export const MAX_RETENTION_DAYS = 36_500;

/** `from` and `to` as ISO date-times, each checked: a date that is none is a 422 naming it, not a 500 from the database. */
function range(q: { from?: string; to?: string }) {
  const errors: FieldError[] = [];
  const from = q.from === undefined ? undefined : isoDateTime(q.from);
  const to = q.to === undefined ? undefined : isoDateTime(q.to);
  if (from === null) errors.push({ field: 'query.from', code: 'invalid_date', message: 'is not a date-time' });
  if (to === null) errors.push({ field: 'query.to', code: 'invalid_date', message: 'is not a date-time' });
  if (from && to && from > to) errors.push({ field: 'query.to', code: 'before_from', message: 'must not be before from' });
  if (errors.length) throw invalid(errors);
  return { from: from ?? undefined, to: to ?? undefined };
}

export async function auditChanges(conn: Conn, ctx: Ctx, q: AuditChangeQuery) {
  if (q.objectType !== undefined && !(auditObjectTypes as readonly string[]).includes(q.objectType)) {
    throw invalid([
      {
        field: 'query.objectType',
        code: 'unknown_object_type',
        message: 'is not a type of thing with history',
        params: { allowedValues: auditObjectTypes },
      },
    ]);
  }
  return listChanges(conn, ctx, {
    ...range(q),
    memberId: q.memberId,
    recordType: q.objectType,
    recordId: q.recordId,
    limit: q.limit ?? 50,
    cursor: q.cursor,
  });
}

export const auditSignIns = (conn: Conn, ctx: Ctx, q: SignInQuery) =>
  listSignIns(conn, ctx, { ...range(q), memberId: q.memberId, outcome: q.outcome, ip: q.ip, limit: q.limit ?? 50, cursor: q.cursor });

const toSecurityEvent = (r: typeof securityEvents.$inferSelect): SecurityEvent => ({
  id: r.id,
  at: r.at.toISOString(),
  kind: r.kind,
  actorType: r.actorType,
  actorId: r.actorId,
  subjectType: r.subjectType,
  subjectId: r.subjectId,
  detail: r.detail,
  ip: r.ip,
  requestId: r.requestId,
});

/** The security log, newest first, paged by the time-ordered row id. */
export async function listSecurityEvents(conn: Conn, ctx: Ctx, q: SecurityEventQuery) {
  const { from, to } = range(q);
  const limit = q.limit ?? 50;
  const rows = await conn
    .select()
    .from(securityEvents)
    .where(
      and(
        eq(securityEvents.workspaceId, ctx.workspaceId),
        q.memberId ? eq(securityEvents.memberId, q.memberId) : undefined,
        q.kind ? eq(securityEvents.kind, q.kind) : undefined,
        from ? gte(securityEvents.at, new Date(from)) : undefined,
        to ? lt(securityEvents.at, new Date(to)) : undefined,
        q.cursor ? lt(securityEvents.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(securityEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { data: page.map(toSecurityEvent), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

export async function getAuditSettings(conn: Conn, ctx: Ctx): Promise<AuditSettings> {
  const [row] = await conn.select().from(auditSettings).where(eq(auditSettings.workspaceId, ctx.workspaceId));
  return { retentionDays: row?.retentionDays ?? null };
}

export async function updateAuditSettings(conn: Conn, ctx: Ctx, retentionDays: number | null): Promise<AuditSettings> {
  if (retentionDays !== null && (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS)) {
    throw invalid([
      {
        field: 'body.retentionDays',
        code: 'out_of_range',
        message: `must be between 1 and ${MAX_RETENTION_DAYS} days, or null to keep everything`,
        params: { limit: [1, MAX_RETENTION_DAYS] },
      },
    ]);
  }
  const before = await getAuditSettings(conn, ctx);
  await conn
    .insert(auditSettings)
    .values({ workspaceId: ctx.workspaceId, retentionDays })
    .onConflictDoUpdate({ target: auditSettings.workspaceId, set: { retentionDays, updatedAt: new Date() } });
  if (before.retentionDays !== retentionDays) {
    await logSecurityEvent(
      conn,
      ctx,
      'audit.retention_changed',
      { type: 'workspace', id: ctx.workspaceId },
      {
        old: before.retentionDays,
        new: retentionDays,
      },
    );
  }
  return { retentionDays };
}

/** The workspaces with a retention period, for the nightly purge. */
export async function workspacesWithRetention(db: Db) {
  // A named cross-workspace query (house-keeping over every workspace).
  return acrossWorkspaces(db, (tx) =>
    tx
      .select({ workspaceId: auditSettings.workspaceId, days: auditSettings.retentionDays })
      .from(auditSettings)
      .where(sql`${auditSettings.retentionDays} is not null`),
  );
}

/** A workspace's retention in days, as SQL (null: for good), for the sign-in purge that weighs every workspace of a login. */
const retentionOf = (workspaceId: SQL) => sql`(select retention_days from audit_settings where workspace_id = ${workspaceId})`;

/**
 * Deletes one batch of a workspace's security events and sign-ins older than `days`; returns how
 * many went, so that the job calls it until nothing is left. Record history is not purged: it is
 * append-only by design (a trigger refuses deletes), the record's own page reads it, an import's
 * undo and the check of concurrent edits need it, and erasure already redacts a person from it.
 */
export async function purgeBatch(conn: Conn, workspaceId: string, days: number, batch: number) {
  const events = affectedRows(
    await conn.execute(sql`delete from security_events where workspace_id = ${workspaceId} and id in (
      select id from security_events where workspace_id = ${workspaceId} and at < now() - make_interval(days => ${days}::int) limit ${batch})`),
  );
  const signIns = await purgeSignIns(conn, workspaceId, days, batch, retentionOf);
  return { events, signIns };
}

import { and, asc, eq, isNotNull, lt, sql } from 'drizzle-orm';
import type { RetentionRule } from '../../../contract/privacy.ts';
import type { TrashType } from '../../../contract/trash.ts';
import { acrossWorkspaces } from '../../db/citus.ts';
import type { Conn, Db } from '../../db/client.ts';
import { type Ctx, systemCtx } from '../../http/context.ts';
import { logSecurityEvent } from '../audit/security-log.ts';
import { actingMember } from '../auth/members.service.ts';
import { objectDefs } from '../registry.ts';
import { purgeRecord } from '../trash/trash.service.ts';
import { legalHolds, retentionRules } from './privacy.table.ts';

const toRule = (r: typeof retentionRules.$inferSelect): RetentionRule => ({
  objectType: r.objectType,
  days: r.days,
  updatedAt: r.updatedAt.toISOString(),
});

export async function listRetentionRules(conn: Conn, ctx: Ctx) {
  const rows = await conn
    .select()
    .from(retentionRules)
    .where(eq(retentionRules.workspaceId, ctx.workspaceId))
    .orderBy(asc(retentionRules.objectType));
  return rows.map(toRule);
}

/** Sets how long one object's records stay in the trash; written to the security log (it deletes data). */
export async function putRetentionRule(conn: Conn, ctx: Ctx, objectType: TrashType, days: number) {
  const [row] = await conn
    .insert(retentionRules)
    .values({ workspaceId: ctx.workspaceId, objectType, days })
    .onConflictDoUpdate({ target: [retentionRules.workspaceId, retentionRules.objectType], set: { days, updatedAt: new Date() } })
    .returning();
  await logSecurityEvent(conn, ctx, 'retention.changed', { type: objectType, id: null }, { days });
  return toRule(row as typeof retentionRules.$inferSelect);
}

/** Keeps one object's records in the trash for good again; true when there was a rule. */
export async function deleteRetentionRule(conn: Conn, ctx: Ctx, objectType: TrashType) {
  const gone = await conn
    .delete(retentionRules)
    .where(and(eq(retentionRules.workspaceId, ctx.workspaceId), eq(retentionRules.objectType, objectType)))
    .returning({ objectType: retentionRules.objectType });
  if (gone.length) await logSecurityEvent(conn, ctx, 'retention.changed', { type: objectType, id: null }, { days: null });
  return gone.length > 0;
}

/**
 * Every rule of every workspace, for the nightly job (rules are few: one per object type at most).
 * A named cross-workspace read: on Citus the rules lie on every shard.
 */
export async function allRetentionRules(db: Db) {
  return acrossWorkspaces(db, (tx) =>
    tx.select().from(retentionRules).orderBy(asc(retentionRules.workspaceId), asc(retentionRules.objectType)),
  );
}

/**
 * Deletes for good up to `limit` records of one rule's object that have been in the trash longer
 * than its days, oldest first, each as the trash's own "delete for good" does (references cleared,
 * search terms dropped, history written). Records under legal hold stay. Returns how many went.
 * Acts as the workspace's first owner: the history says the purge was the workspace's own rule.
 */
export async function purgeExpired(conn: Conn, rule: { workspaceId: string; objectType: TrashType; days: number }, limit: number) {
  const def = objectDefs[rule.objectType];
  if (!def) return 0;
  const owner = await actingMember(conn, rule.workspaceId);
  if (!owner) return 0;
  const ctx = systemCtx(rule.workspaceId, owner.id);
  const t = def.table;
  const held = conn
    .select({ id: legalHolds.recordId })
    .from(legalHolds)
    .where(and(eq(legalHolds.workspaceId, rule.workspaceId), eq(legalHolds.recordType, rule.objectType)));
  const expired = (await conn
    .select({ id: t.id })
    .from(t)
    .where(
      and(
        eq(t.workspaceId, rule.workspaceId),
        def.scope,
        isNotNull(t.deletedAt),
        lt(t.deletedAt, sql`now() - make_interval(days => ${rule.days})`),
        sql`${t.id} not in (${held})`,
      ),
    )
    .orderBy(asc(t.deletedAt))
    .limit(limit)) as { id: string }[];
  for (const { id } of expired) await purgeRecord(conn, ctx, rule.objectType, id);
  if (expired.length) {
    await logSecurityEvent(conn, ctx, 'records.purged', { type: rule.objectType, id: null }, { count: expired.length, days: rule.days });
  }
  return expired.length;
}

import { and, asc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { RecordShare, RecordShareCreate } from '../../../contract/access.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid, notFound } from '../../http/errors.ts';
import { findRow } from '../../records/crud.ts';
import type { ObjectDef, RecordHolder } from '../../records/object-def.ts';
import { assertReach } from '../../records/visibility.ts';
import { logSecurityEvent } from '../audit/security-log.ts';
import { memberRoles } from '../auth/members.service.ts';
import { recordShares } from './shares.table.ts';
import { teams } from './teams.table.ts';

type Row = typeof recordShares.$inferSelect;

/**
 * The shares table as a holder of records of any type (registry.ts): a record deleted for good takes
 * its shares with it, in the purge's transaction, so that no share outlives what it shared.
 */
export const shareHolder: RecordHolder = {
  type: 'record_share',
  onPurge: async (conn, ctx, type, id) => {
    await conn
      .delete(recordShares)
      .where(and(eq(recordShares.workspaceId, ctx.workspaceId), eq(recordShares.recordType, type), eq(recordShares.recordId, id)));
  },
};

const toShare = (r: Row): RecordShare => ({
  id: r.id,
  recordType: r.recordType,
  recordId: r.recordId,
  memberId: r.memberId,
  teamId: r.teamId,
  access: r.access,
  createdAt: r.createdAt.toISOString(),
  createdBy: r.createdBy,
});

/** The shares of a record the request can see (404 for one it cannot: its existence is no one else's to learn). */
export async function listShares(conn: Conn, ctx: Ctx, def: ObjectDef, recordId: string): Promise<RecordShare[]> {
  await findRow(conn, ctx, def, recordId);
  const rows = await conn
    .select()
    .from(recordShares)
    .where(and(eq(recordShares.workspaceId, ctx.workspaceId), eq(recordShares.recordType, def.type), eq(recordShares.recordId, recordId)))
    .orderBy(asc(recordShares.createdAt), asc(recordShares.id));
  return rows.map(toShare);
}

/**
 * Who may share a record is who may edit it: 404 when they cannot see it, 403 when they see it but
 * their scope (or an edit share) does not let them edit it.
 */
async function assertMayShare(conn: Conn, ctx: Ctx, def: ObjectDef, recordId: string) {
  await findRow(conn, ctx, def, recordId);
  await assertReach(conn, ctx, def, recordId, 'edit');
}

/** Shares a record with a member or a team; sharing it again with the same one changes the access. */
export async function shareRecord(conn: Conn, ctx: Ctx, def: ObjectDef, recordId: string, input: RecordShareCreate) {
  await assertMayShare(conn, ctx, def, recordId);
  if ((input.memberId === undefined) === (input.teamId === undefined)) {
    throw invalid([
      { field: 'body.memberId', code: 'one_grantee', message: 'name either a member or a team (teamId), not both or neither' },
    ]);
  }
  if (input.memberId !== undefined) {
    const [m] = await memberRoles(conn, ctx, [input.memberId]);
    if (!m) throw invalid([{ field: 'body.memberId', code: 'unknown_member', message: 'is not a member of this workspace' }]);
  } else if (input.teamId !== undefined) {
    const [t] = await conn
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.id, input.teamId)));
    if (!t) throw invalid([{ field: 'body.teamId', code: 'unknown_team', message: 'is not a team of this workspace' }]);
  }
  const [row] = await conn
    .insert(recordShares)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      recordType: def.type,
      recordId,
      memberId: input.memberId ?? null,
      teamId: input.teamId ?? null,
      access: input.access,
      createdBy: ctx.memberId,
    })
    .onConflictDoUpdate({
      target: [recordShares.workspaceId, recordShares.recordType, recordShares.recordId, recordShares.memberId, recordShares.teamId],
      set: { access: sql`excluded.access` },
    })
    .returning();
  // Who was given access to what is an auditor's question: a share widens a role's reach.
  await logSecurityEvent(
    conn,
    ctx,
    'record.shared',
    { type: def.type, id: recordId },
    {
      memberId: row.memberId,
      teamId: row.teamId,
      access: row.access,
    },
  );
  return toShare(row);
}

/** Takes a share away; 404 for a share this record does not have. */
export async function unshareRecord(conn: Conn, ctx: Ctx, def: ObjectDef, recordId: string, shareId: string) {
  await assertMayShare(conn, ctx, def, recordId);
  const [row] = await conn
    .delete(recordShares)
    .where(
      and(
        eq(recordShares.workspaceId, ctx.workspaceId),
        eq(recordShares.recordType, def.type),
        eq(recordShares.recordId, recordId),
        eq(recordShares.id, shareId),
      ),
    )
    .returning();
  if (!row) throw notFound('Share');
  await logSecurityEvent(
    conn,
    ctx,
    'record.unshared',
    { type: def.type, id: recordId },
    {
      memberId: row.memberId,
      teamId: row.teamId,
      access: row.access,
    },
  );
  return toShare(row);
}

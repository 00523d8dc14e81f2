import { and, asc, eq, inArray } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { LinkableType, RecordLink } from '../../contract/activities.ts';
import type { Conn } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';

/** A link table: rows (workspace_id, <owner>_id, record_type, record_id), as activity_links and task_links. */
type LinkTable = PgTable & { workspaceId: PgColumn; recordType: PgColumn; recordId: PgColumn };

/**
 * The links of several owners (activities, tasks) in one query, each owner's links in a stable
 * order; owners without links are absent from the map.
 */
export async function loadLinks(conn: Conn, ctx: Ctx, table: LinkTable, owner: PgColumn, ownerIds: string[]) {
  const byOwner = new Map<string, RecordLink[]>();
  if (!ownerIds.length) return byOwner;
  const rows = (await conn
    .select({ ownerId: owner, recordType: table.recordType, recordId: table.recordId })
    .from(table)
    .where(and(eq(table.workspaceId, ctx.workspaceId), inArray(owner, ownerIds)))
    .orderBy(asc(table.recordType), asc(table.recordId))) as { ownerId: string; recordType: string; recordId: string }[];
  for (const r of rows) {
    const list = byOwner.get(r.ownerId) ?? [];
    list.push({ recordType: r.recordType as LinkableType, recordId: r.recordId });
    byOwner.set(r.ownerId, list);
  }
  return byOwner;
}

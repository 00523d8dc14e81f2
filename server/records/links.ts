import { and, asc, eq, getTableName, inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { LinkableType, RecordLink } from '../../contract/activities.ts';
import { type Conn, pgArray, selectRows } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { sqlInWorkspace } from './object-def.ts';
import { ports } from './ports.ts';

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

/** A linked record as a person reads it: its type and id, its name, and a custom object's key for its address. */
export interface NamedLink extends RecordLink {
  name: string;
  objectKey: string | null;
}

/**
 * The names of linked records, a query per type however many links: by the title their object
 * declares, as search and the trash name them (a contact's full name or first email, a deal's name,
 * a custom record's name and its object's key).
 * Records in the trash keep their names here; a link to a record deleted for good is gone already.
 */
export async function nameLinks(conn: Conn, ctx: Ctx, links: RecordLink[]): Promise<Map<string, NamedLink>> {
  const out = new Map<string, NamedLink>();
  const byType = new Map<string, Set<string>>();
  for (const l of links) byType.set(l.recordType, (byType.get(l.recordType) ?? new Set()).add(l.recordId));
  for (const [type, ids] of byType) {
    const def = ports().objectDef(type);
    if (!def?.title) continue;
    // A custom record's search subtitle is its object's key, which its address needs.
    const objectKey =
      type === 'custom_record' && def.search ? sqlInWorkspace(def.search.subtitle, sql`${ctx.workspaceId}`) : sql`null::text`;
    const rows = await selectRows<{ id: string; name: string | null; object_key: string | null }>(
      conn,
      sql`select r.id, ${sql.raw(def.title)} as name, ${objectKey} as object_key
        from ${sql.identifier(getTableName(def.table))} r where r.workspace_id = ${ctx.workspaceId} and r.id = any(${pgArray([...ids], 'uuid')})`,
    );
    for (const r of rows) {
      out.set(`${type}:${r.id}`, { recordType: type as LinkableType, recordId: r.id, name: r.name ?? '', objectKey: r.object_key });
    }
  }
  return out;
}

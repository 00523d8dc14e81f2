import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Conn } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { invalid } from '../http/errors.ts';
import type { ObjectDef } from './object-def.ts';

/**
 * Checks that referenced records exist in this workspace and are not in the trash. A foreign,
 * unknown or deleted id is a 422 naming the field — never a foreign-key error from the database.
 */
export async function assertRecords(conn: Conn, ctx: Ctx, def: ObjectDef, given: { field: string; id: string | null | undefined }[]) {
  // PostgreSQL answers uuids in lower case; ids compared in that form match whatever case they came in.
  const refs = given.map((r) => ({ field: r.field, id: r.id?.toLowerCase() }));
  const ids = [...new Set(refs.map((r) => r.id).filter((x): x is string => Boolean(x)))];
  if (ids.some((id) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))) {
    throw invalid(
      refs
        .filter((r) => r.id && !/^[0-9a-f-]{36}$/.test(r.id))
        .map((b) => ({ field: b.field, code: 'unknown_record', message: 'is not an id' })),
    );
  }
  if (!ids.length) return;
  const t = def.table;
  const found = (await conn
    .select({ id: t.id })
    .from(t)
    .where(and(eq(t.workspaceId, ctx.workspaceId), inArray(t.id, ids), isNull(t.deletedAt), def.scope))) as { id: string }[];
  const known = new Set(found.map((r) => r.id));
  const bad = refs.filter((r) => r.id && !known.has(r.id));
  if (bad.length) {
    throw invalid(
      bad.map((b) => ({ field: b.field, code: 'unknown_record', message: `is not a ${def.label.toLowerCase()} of this workspace` })),
    );
  }
}

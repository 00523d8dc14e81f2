import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Conn } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { invalid } from '../http/errors.ts';
import type { ObjectDef } from './object-def.ts';

/**
 * Checks that referenced records exist in this workspace and are not in the trash. A foreign,
 * unknown or deleted id is a 422 naming the field — never a foreign-key error from the database.
 */
export async function assertRecords(conn: Conn, ctx: Ctx, def: ObjectDef, refs: { field: string; id: string | null | undefined }[]) {
  const ids = [...new Set(refs.map((r) => r.id).filter((x): x is string => Boolean(x)))];
  if (!ids.length) return;
  const t = def.table;
  const found = (await conn
    .select({ id: t.id })
    .from(t)
    .where(and(eq(t.workspaceId, ctx.workspaceId), inArray(t.id, ids), isNull(t.deletedAt)))) as { id: string }[];
  const known = new Set(found.map((r) => r.id));
  const bad = refs.filter((r) => r.id && !known.has(r.id));
  if (bad.length) {
    throw invalid(
      bad.map((b) => ({ field: b.field, code: 'unknown_record', message: `is not a ${def.label.toLowerCase()} of this workspace` })),
    );
  }
}

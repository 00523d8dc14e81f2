import { eq } from 'drizzle-orm';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { workspaces } from './workspaces.table.ts';

/** The country national phone numbers are read in, or null when every number needs its country code. */
export async function workspaceCountry(conn: Conn, ctx: Pick<Ctx, 'workspaceId'>): Promise<string | null> {
  const [w] = await conn.select({ country: workspaces.country }).from(workspaces).where(eq(workspaces.id, ctx.workspaceId));
  return w?.country ?? null;
}

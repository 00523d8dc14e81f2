import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Workspace, WorkspaceUpdate } from '../../../contract/auth.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { diff } from '../../records/changes.ts';
import { checkVersion } from '../../records/crud.ts';
import { recordChange } from '../history/history.service.ts';
import { workspaces } from './workspaces.table.ts';

type Row = typeof workspaces.$inferSelect;

export const toWorkspace = (w: Row): Workspace => ({
  id: w.id,
  name: w.name,
  currency: w.currency,
  country: w.country,
  version: w.version,
  createdAt: w.createdAt.toISOString(),
});

/** The country national phone numbers are read in, or null when every number needs its country code. */
export async function workspaceCountry(conn: Conn, ctx: Pick<Ctx, 'workspaceId'>): Promise<string | null> {
  const [w] = await conn.select({ country: workspaces.country }).from(workspaces).where(eq(workspaces.id, ctx.workspaceId));
  return w?.country ?? null;
}

/** A new workspace, at sign-up; its owner is written beside it in the same transaction. */
export async function createWorkspace(conn: Conn, input: { id: string; name: string; country: string | null }) {
  await conn.insert(workspaces).values(input);
}

export async function getWorkspace(conn: Conn, ctx: Pick<Ctx, 'workspaceId'>) {
  const [w] = await conn.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId));
  return toWorkspace(w);
}

/** The names of some workspaces by id (a login's memberships, an invitation's workspace). */
export async function workspaceNames(conn: Conn, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await conn.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(inArray(workspaces.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Changes the workspace's settings, based on the version read; written to history under `workspace`. */
export async function updateWorkspace(conn: Conn, ctx: Ctx, version: number, input: Omit<WorkspaceUpdate, 'version'>) {
  const [w] = await conn.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId)).for('update');
  checkVersion('Workspace', { version: w.version, deletedAt: null }, version);
  const [after] = await conn
    .update(workspaces)
    .set({ ...input, version: sql`${workspaces.version} + 1`, updatedAt: sql`now()` })
    .where(eq(workspaces.id, ctx.workspaceId))
    .returning();
  await recordChange(conn, ctx, 'workspace', w.id, 'update', diff(toWorkspace(w), toWorkspace(after)));
  return toWorkspace(after);
}

/**
 * Workspaces a command line names by id or by name (any case), or every one when it names none:
 * the CLI runs against the whole database, outside any session.
 */
export async function findWorkspaces(conn: Conn, idOrName?: string) {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const where =
    idOrName === undefined
      ? undefined
      : uuid.test(idOrName)
        ? eq(workspaces.id, idOrName)
        : sql`lower(${workspaces.name}) = lower(${idOrName})`;
  return conn.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(where).limit(20);
}

/** Every workspace's id, for work each one gets from a schedule (a nightly duplicate scan). */
export async function allWorkspaceIds(conn: Conn): Promise<string[]> {
  return (await conn.select({ id: workspaces.id }).from(workspaces).orderBy(workspaces.id)).map((w) => w.id);
}

/** The workspace a public address names (/help/<slug>), or undefined. */
export async function workspaceBySlug(conn: Conn, slug: string) {
  const [w] = await conn.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.slug, slug));
  return w;
}

export async function workspaceSlug(conn: Conn, ctx: Pick<Ctx, 'workspaceId'>): Promise<string | null> {
  const [w] = await conn.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, ctx.workspaceId));
  return w?.slug ?? null;
}

/** Names the workspace in public addresses; another workspace's slug is a 409 naming `body.slug`. */
export async function setWorkspaceSlug(conn: Conn, ctx: Pick<Ctx, 'workspaceId'>, slug: string | null) {
  const [taken] = slug
    ? await conn
        .select({ id: workspaces.id })
        .from(workspaces)
        .where(and(eq(workspaces.slug, slug), ne(workspaces.id, ctx.workspaceId)))
    : [];
  if (taken)
    throw new AppError(409, 'slug_taken', 'Another workspace uses this address', [
      { field: 'body.slug', code: 'taken', message: 'is taken' },
    ]);
  await conn.update(workspaces).set({ slug, updatedAt: sql`now()` }).where(eq(workspaces.id, ctx.workspaceId));
}

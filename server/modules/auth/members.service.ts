import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { toMember } from './auth.service.ts';
import { members } from './auth.table.ts';

export async function listMembers(conn: Conn, ctx: Ctx) {
  const rows = await conn.select().from(members).where(eq(members.workspaceId, ctx.workspaceId)).orderBy(asc(members.name));
  return rows.map(toMember);
}

/**
 * Checks that ids name members of this workspace (record owners, assignees). A foreign or unknown
 * id is a 422 naming the field, never a database error.
 */
export async function assertMembers(conn: Conn, ctx: Ctx, refs: { field: string; id: string | null | undefined }[]) {
  // A member acting names themself most often (the owner of what they log): the request's
  // authentication has just read that member of this workspace, so no query is needed for them.
  const self = ctx.actor.type === 'member' ? ctx.memberId : null;
  const ids = [...new Set(refs.map((r) => r.id).filter((x): x is string => Boolean(x) && x !== self))];
  if (!ids.length) return;
  const found = await conn
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), inArray(members.id, ids)));
  const known = new Set([...found.map((m) => m.id), self]);
  const bad = refs.filter((r) => r.id && !known.has(r.id));
  if (bad.length) throw invalid(bad.map((b) => ({ field: b.field, code: 'unknown_member', message: 'is not a member of this workspace' })));
}

/** Which of `ids` name members of this workspace (only enabled ones with `active`). */
export async function memberIdsAmong(conn: Conn, ctx: Ctx, ids: string[], opts: { active?: boolean } = {}) {
  if (!ids.length) return [];
  const found = await conn
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), inArray(members.id, ids), opts.active ? isNull(members.disabledAt) : undefined));
  return found.map((m) => m.id);
}

/** The enabled owner and admins of this workspace: who is told when something needs an admin. */
export async function adminIds(conn: Conn, ctx: Ctx) {
  const found = await conn
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), inArray(members.role, ['owner', 'admin']), isNull(members.disabledAt)));
  return found.map((m) => m.id);
}

/** Where and how to write to a member: their address, name and language; null when the id names no member of this workspace. */
export async function memberContact(conn: Conn, ctx: Ctx, memberId: string) {
  const [m] = await conn
    .select({ email: members.email, name: members.name, locale: members.locale, disabledAt: members.disabledAt })
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, memberId)));
  return m ? { email: m.email, name: m.name, locale: m.locale, disabled: m.disabledAt !== null } : null;
}

/** Members of this workspace by (lower-cased) email address: address → member id. */
export async function memberIdsByEmail(conn: Conn, ctx: Ctx, emails: string[]) {
  if (!emails.length) return new Map<string, string>();
  const rows = await conn
    .select({ id: members.id, email: members.email })
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), inArray(sql`lower(${members.email})`, emails)));
  return new Map(rows.map((r) => [r.email.toLowerCase(), r.id]));
}

/** A member's time zone, or null when the id names no member of this workspace. */
export async function memberTimeZone(conn: Conn, ctx: Ctx, memberId: string) {
  const [m] = await conn
    .select({ timeZone: members.timeZone })
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, memberId)));
  return m?.timeZone ?? null;
}

/**
 * The member a command-line process acts as: the enabled member with this email, or the
 * workspace's owner. Null when there is none.
 */
export async function actingMember(conn: Conn, workspaceId: string, email?: string) {
  const [m] = await conn
    .select({ id: members.id, role: members.role, email: members.email })
    .from(members)
    .where(
      and(
        eq(members.workspaceId, workspaceId),
        isNull(members.disabledAt),
        email ? sql`lower(${members.email}) = lower(${email})` : eq(members.role, 'owner'),
      ),
    )
    .orderBy(asc(members.createdAt))
    .limit(1);
  return m ?? null;
}

/** The role of each of `ids` that is a member of this workspace. */
export async function memberRoles(conn: Conn, ctx: Ctx, ids: string[]) {
  if (!ids.length) return [];
  return conn
    .select({ id: members.id, role: members.role })
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), inArray(members.id, ids)));
}

/** A member's fixed role now, or null for no such member: jobs acting for a member decide by it as a request would. */
export async function memberRole(conn: Conn, workspaceId: string, memberId: string) {
  const [m] = await conn
    .select({ role: members.role })
    .from(members)
    .where(and(eq(members.workspaceId, workspaceId), eq(members.id, memberId)));
  return m?.role ?? null;
}

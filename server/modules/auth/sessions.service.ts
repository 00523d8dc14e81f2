import Bowser from 'bowser';
import { and, desc, eq, gt, ne, sql } from 'drizzle-orm';
import type { SessionEntry } from '../../../contract/auth.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { forbidden, notFound } from '../../http/errors.ts';
import { recordChange } from '../history/history.service.ts';
import { SESSION_IDLE_MS } from './auth.service.ts';
import { members, sessions } from './auth.table.ts';

/** "Firefox on Windows" from a user agent; what the parser cannot name is left out rather than guessed. */
export function describeDevice(userAgent: string | null) {
  if (!userAgent) return 'Unknown device';
  const { browser, os } = Bowser.parse(userAgent);
  if (browser.name && os.name) return `${browser.name} on ${os.name}`;
  return browser.name || os.name || 'Unknown device';
}

const toEntry = (r: typeof sessions.$inferSelect, currentId: string | null): SessionEntry => ({
  id: r.id,
  memberId: r.memberId,
  device: describeDevice(r.userAgent),
  ip: r.ip,
  createdAt: r.createdAt.toISOString(),
  lastSeenAt: r.lastSeenAt.toISOString(),
  current: r.id === currentId,
});

/** Sessions that still open the app: not past their absolute end, nor idle longer than the idle limit. */
const live = () =>
  and(gt(sessions.expiresAt, sql`now()`), gt(sessions.lastSeenAt, sql`now() - ${SESSION_IDLE_MS} * interval '1 millisecond'`));

/** A member's live sessions, most recently used first; `currentId` is the session of the request, marked. */
export async function listSessions(conn: Conn, ctx: Ctx, memberId: string, currentId: string | null) {
  const rows = await conn
    .select()
    .from(sessions)
    .where(and(eq(sessions.workspaceId, ctx.workspaceId), eq(sessions.memberId, memberId), live()))
    .orderBy(desc(sessions.lastSeenAt));
  return rows.map((r) => toEntry(r, currentId));
}

/**
 * Ends one session of a member: it is deleted, so its cookie opens nothing from the next request
 * on. Written to history under the member, like other security changes, with the device and IP.
 */
export async function revokeSession(conn: Conn, ctx: Ctx, memberId: string, sessionId: string) {
  const [row] = await conn
    .delete(sessions)
    .where(and(eq(sessions.workspaceId, ctx.workspaceId), eq(sessions.memberId, memberId), eq(sessions.id, sessionId)))
    .returning();
  if (!row) throw notFound('Session');
  await recordChange(conn, ctx, 'member', memberId, 'update', [
    { field: 'session', old: { id: row.id, device: describeDevice(row.userAgent), ip: row.ip }, new: null },
  ]);
}

/** "Sign out everywhere else": every session of the member but the one given. Answers how many ended. */
export async function revokeOtherSessions(conn: Conn, ctx: Ctx, keepId: string) {
  const ended = await conn
    .delete(sessions)
    .where(and(eq(sessions.workspaceId, ctx.workspaceId), eq(sessions.memberId, ctx.memberId), ne(sessions.id, keepId)))
    .returning({ id: sessions.id });
  if (ended.length) {
    await recordChange(conn, ctx, 'member', ctx.memberId, 'update', [{ field: 'sessions', old: ended.length, new: 0 }]);
  }
  return { revoked: ended.length };
}

/**
 * The member whose sessions an admin looks at or ends. Owners' and admins' sessions are an owner's
 * to end (as their roles are, see updateMember); anyone may end their own.
 */
export async function sessionsMember(conn: Conn, ctx: Ctx, memberId: string, action: 'read' | 'revoke') {
  const [m] = await conn
    .select({ id: members.id, role: members.role })
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, memberId)));
  if (!m) throw notFound('Member');
  const powerful = m.role === 'owner' || m.role === 'admin';
  if (action === 'revoke' && powerful && ctx.role !== 'owner' && m.id !== ctx.memberId) {
    throw forbidden("Only an owner can end an owner's or admin's sessions");
  }
  return m;
}

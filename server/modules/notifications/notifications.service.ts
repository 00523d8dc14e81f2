import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Notification, NotificationListQuery } from '../../../contract/notifications.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { adminIds } from '../auth/members.service.ts';
import { emitEvent } from '../history/history.service.ts';
import { notifications } from './notifications.table.ts';

type Row = typeof notifications.$inferSelect;

const toNotification = (r: Row): Notification => ({
  id: r.id,
  memberId: r.memberId,
  title: r.title,
  body: r.body,
  recordType: r.recordType,
  recordId: r.recordId,
  readAt: r.readAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});

export interface NotifyInput {
  memberId: string;
  title: string;
  body?: string | null;
  /** The record it links to: a built-in object's type or a custom object's key, and the id. */
  record?: { type: string; id: string } | null;
}

/**
 * Sends one member a notice, in the caller's transaction, with a `notification.created` event that
 * carries the caller's causes (live updates push it; an automation's notice says which run sent it).
 */
export async function notify(conn: Conn, ctx: Ctx, input: NotifyInput): Promise<Notification> {
  const [row] = await conn
    .insert(notifications)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      memberId: input.memberId,
      title: input.title,
      body: input.body ?? null,
      recordType: input.record?.type ?? null,
      recordId: input.record?.id ?? null,
    })
    .returning();
  const n = toNotification(row);
  await emitEvent(conn, ctx, 'notification.created', 'notification', n.id, { after: n });
  return n;
}

/** Sends the same notice to every admin and the owner of the workspace (members still enabled). */
export async function notifyAdmins(conn: Conn, ctx: Ctx, input: Omit<NotifyInput, 'memberId'>) {
  const admins = await adminIds(conn, ctx);
  for (const id of admins) await notify(conn, ctx, { ...input, memberId: id });
  return admins.length;
}

/** The acting member's notices, newest first. */
export async function listNotifications(conn: Conn, ctx: Ctx, q: NotificationListQuery) {
  const limit = q.limit ?? 50;
  const rows = await conn
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.workspaceId, ctx.workspaceId),
        eq(notifications.memberId, ctx.memberId),
        q.unread ? isNull(notifications.readAt) : undefined,
        q.cursor ? lt(notifications.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { data: page.map(toNotification), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

export async function unreadCount(conn: Conn, ctx: Ctx) {
  const [row] = await conn
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.workspaceId, ctx.workspaceId), eq(notifications.memberId, ctx.memberId), isNull(notifications.readAt)));
  return { count: Number(row.n) };
}

/** Marks one of the acting member's notices read (a notice of someone else is not found). */
export async function markRead(conn: Conn, ctx: Ctx, id: string) {
  const mine = and(eq(notifications.workspaceId, ctx.workspaceId), eq(notifications.memberId, ctx.memberId), eq(notifications.id, id));
  await conn
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(mine);
  const [row] = await conn.select().from(notifications).where(mine);
  if (!row) throw notFound('Notification');
  return toNotification(row);
}

export async function markAllRead(conn: Conn, ctx: Ctx) {
  const rows = await conn
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.workspaceId, ctx.workspaceId), eq(notifications.memberId, ctx.memberId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return { marked: rows.length };
}

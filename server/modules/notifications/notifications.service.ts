import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type {
  Notification,
  NotificationKind,
  NotificationListQuery,
  NotificationPreferences,
  NotificationPreferencesUpdate,
} from '../../../contract/notifications.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { adminIds } from '../auth/members.service.ts';
import { emitEvent } from '../history/history.service.ts';
import { emailNotice } from './notices-by-email.ts';
import { notificationPreferences, notifications } from './notifications.table.ts';

type Row = typeof notifications.$inferSelect;

const toNotification = (r: Row): Notification => ({
  id: r.id,
  memberId: r.memberId,
  kind: r.kind,
  title: r.title,
  body: r.body,
  recordType: r.recordType,
  recordId: r.recordId,
  activityId: r.activityId,
  actorId: r.actorId,
  readAt: r.readAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});

export interface NotifyInput {
  memberId: string;
  /** Default `system`: notices a member cannot turn off (an admin's warning). */
  kind?: NotificationKind;
  title: string;
  body?: string | null;
  /** The record it links to: a built-in object's type or a custom object's key, and the id. */
  record?: { type: string; id: string } | null;
  /** The note a mention was made in. */
  activityId?: string | null;
  /** Who caused it; null for the clock and automation. */
  actorId?: string | null;
}

/** The preference that switches each kind on or off; `system` notices always go out. */
const preferenceOf: Record<NotificationKind, keyof NotificationPreferences | null> = {
  task_reminder: 'taskReminders',
  mention: 'mentions',
  assignment: 'assignments',
  automation: 'automation',
  digest: 'dailyDigest',
  system: null,
};

export const defaultPreferences: NotificationPreferences = {
  taskReminders: true,
  mentions: true,
  assignments: true,
  automation: true,
  dailyDigest: false,
  byEmail: false,
};

const mine = (ctx: Ctx, memberId: string) =>
  and(eq(notificationPreferences.workspaceId, ctx.workspaceId), eq(notificationPreferences.memberId, memberId));

/** A member's preferences; the defaults (everything but the digest) when they never chose. */
export async function preferencesOf(conn: Conn, ctx: Ctx, memberId: string): Promise<NotificationPreferences> {
  const [row] = await conn.select().from(notificationPreferences).where(mine(ctx, memberId));
  if (!row) return { ...defaultPreferences };
  return {
    taskReminders: row.taskReminders,
    mentions: row.mentions,
    assignments: row.assignments,
    automation: row.automation,
    dailyDigest: row.dailyDigest,
    byEmail: row.byEmail,
  };
}

/** Changes the acting member's own preferences (only the ones named). */
export async function updatePreferences(conn: Conn, ctx: Ctx, input: NotificationPreferencesUpdate) {
  const next = { ...(await preferencesOf(conn, ctx, ctx.memberId)), ...input };
  await conn
    .insert(notificationPreferences)
    .values({ workspaceId: ctx.workspaceId, memberId: ctx.memberId, ...next })
    .onConflictDoUpdate({
      target: [notificationPreferences.workspaceId, notificationPreferences.memberId],
      set: { ...next, updatedAt: new Date() },
    });
  return next;
}

/**
 * Sends one member a notice, in the caller's transaction, with a `notification.created` event that
 * carries the caller's causes (live updates push it; an automation's notice says which run sent it).
 */
export async function notify(conn: Conn, ctx: Ctx, input: NotifyInput & { kind?: 'system' }): Promise<Notification>;
export async function notify(conn: Conn, ctx: Ctx, input: NotifyInput): Promise<Notification | null>;
export async function notify(conn: Conn, ctx: Ctx, input: NotifyInput): Promise<Notification | null> {
  const kind = input.kind ?? 'system';
  const preference = preferenceOf[kind];
  const prefs = await preferencesOf(conn, ctx, input.memberId);
  // The member turned this kind off: nothing is written, so nothing is pushed or counted either.
  if (preference && !prefs[preference]) return null;
  const [row] = await conn
    .insert(notifications)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      memberId: input.memberId,
      kind,
      title: input.title,
      body: input.body ?? null,
      recordType: input.record?.type ?? null,
      recordId: input.record?.id ?? null,
      activityId: input.activityId ?? null,
      actorId: input.actorId ?? null,
    })
    .returning();
  const n = toNotification(row);
  await emitEvent(conn, ctx, 'notification.created', 'notification', n.id, { after: n });
  if (prefs.byEmail) await emailNotice(conn, ctx, n.id);
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
    // The time from the app: Citus refuses now() inside COALESCE on a distributed table.
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${new Date().toISOString()}::timestamptz)` })
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

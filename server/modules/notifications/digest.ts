import { and, eq, isNull, sql } from 'drizzle-orm';
import { acrossWorkspaces } from '../../db/citus.ts';
import type { Conn, Db } from '../../db/client.ts';
import { type Ctx, systemCtx } from '../../http/context.ts';
import { memberIdsAmong, memberTimeZone } from '../auth/members.service.ts';
import { dueSummary } from '../tasks/tasks.service.ts';
import { notify } from './notifications.service.ts';
import { notificationDigests, notificationPreferences, notifications } from './notifications.table.ts';

// The daily digest: at about 08:00 in each member's time zone, one summary of their overdue tasks,
// tasks due today and unread mentions, for members who asked for it. The claim is a row per member
// and local day (its primary key refuses a second), written in the transaction that delivers, so a
// digest goes out once per member per day however many workers scan; a failed delivery rolls the
// claim back and the next scan tries again.

/** The local hour from which a member's digest is due. */
export const DIGEST_HOUR = 8;

export interface Digest {
  day: string;
  overdue: number;
  dueToday: number;
  unreadMentions: number;
  titles: string[];
}

/**
 * Where a digest is delivered. In-app now; the email issue adds a channel that sends the same
 * digest by mail (reading the member's address and a template), without touching the scan.
 */
export interface DigestChannel {
  name: string;
  deliver(conn: Conn, ctx: Ctx, memberId: string, digest: Digest): Promise<void>;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const inAppDigest: DigestChannel = {
  name: 'in_app',
  async deliver(conn, ctx, memberId, d) {
    const parts = [
      d.overdue ? plural(d.overdue, 'overdue task', 'overdue tasks') : null,
      d.dueToday ? plural(d.dueToday, 'task due today', 'tasks due today') : null,
      d.unreadMentions ? plural(d.unreadMentions, 'unread mention', 'unread mentions') : null,
    ].filter(Boolean);
    const n = await notify(conn, ctx, {
      memberId,
      kind: 'digest',
      title: parts.join(' · '),
      // The counts as data, so that the web app says them in the member's language.
      body: JSON.stringify({ overdue: d.overdue, dueToday: d.dueToday, unreadMentions: d.unreadMentions, titles: d.titles }),
      record: null,
    });
    if (n) {
      await conn
        .update(notificationDigests)
        .set({ notificationId: n.id })
        .where(
          and(
            eq(notificationDigests.workspaceId, ctx.workspaceId),
            eq(notificationDigests.memberId, memberId),
            eq(notificationDigests.day, d.day),
          ),
        );
    }
  },
};

export const digestChannels: DigestChannel[] = [inAppDigest];

/** The date and hour at `at` in `timeZone` (an unknown zone reads as UTC). */
export function localDayAndHour(at: Date, timeZone: string) {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
  } catch {
    return localDayAndHour(at, 'UTC');
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

/** Sends the digests due at `at` (the automation clock's now in the scheduled job). */
export async function sendDigests(db: Db, at: Date) {
  // A named cross-workspace query (house-keeping over every workspace): who wants a digest.
  const wanted = await acrossWorkspaces(db, (tx) =>
    tx
      .select({ workspaceId: notificationPreferences.workspaceId, memberId: notificationPreferences.memberId })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.dailyDigest, true)),
  );
  let sent = 0;
  for (const w of wanted) {
    const ctx = systemCtx(w.workspaceId, w.memberId);
    const timeZone = (await memberTimeZone(db, ctx, w.memberId)) ?? 'UTC';
    const { day, hour } = localDayAndHour(at, timeZone);
    if (hour < DIGEST_HOUR) continue;
    const done = await db.transaction(async (tx) => {
      if (!(await memberIdsAmong(tx, ctx, [w.memberId], { active: true })).length) return false;
      const claimed = await tx
        .insert(notificationDigests)
        .values({ workspaceId: w.workspaceId, memberId: w.memberId, day })
        .onConflictDoNothing()
        .returning({ day: notificationDigests.day });
      if (!claimed.length) return false;
      const tasks = await dueSummary(tx, ctx, w.memberId, at, timeZone);
      const [m] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(notifications)
        .where(
          and(
            eq(notifications.workspaceId, w.workspaceId),
            eq(notifications.memberId, w.memberId),
            eq(notifications.kind, 'mention'),
            isNull(notifications.readAt),
          ),
        );
      const digest: Digest = { day, ...tasks, unreadMentions: Number(m.n) };
      // Nothing to say is not said: the day is claimed all the same.
      if (!digest.overdue && !digest.dueToday && !digest.unreadMentions) return false;
      for (const channel of digestChannels) await channel.deliver(tx, ctx, w.memberId, digest);
      return true;
    });
    if (done) sent++;
  }
  return { sent };
}

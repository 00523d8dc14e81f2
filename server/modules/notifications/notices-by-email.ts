import { and, eq, sql } from 'drizzle-orm';
import Type from 'typebox';
import { builtInSegments } from '../../../contract/enums.ts';
import type { NotificationSettings, NotificationSettingsUpdate } from '../../../contract/notifications.ts';
import { loadConfig } from '../../config.ts';
import type { Conn } from '../../db/client.ts';
import { type Ctx, systemCtx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { defineJob } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
import { memberContact } from '../auth/members.service.ts';
import { noticeSender, sendNotice } from '../email/notice.ts';
import { notificationSettings, notifications } from './notifications.table.ts';

// Notices by email: a member who turned on "also by email" gets each notice they receive in the app
// (a task reminder, a mention, the digest …) as an email too, sent from the shared mailbox an admin
// chose. The email is a durable job enqueued in the notice's own transaction: it goes out once the
// notice exists, retried with backoff when the mail server refuses, and the notice records when it
// went out or why it did not.

/** The workspace's notice sender: none until an admin picks a shared mailbox. */
export async function getNotificationSettings(conn: Conn, ctx: Ctx): Promise<NotificationSettings> {
  const [row] = await conn.select().from(notificationSettings).where(eq(notificationSettings.workspaceId, ctx.workspaceId));
  return { senderMailboxId: row?.senderMailboxId ?? null };
}

export async function updateNotificationSettings(conn: Conn, ctx: Ctx, input: NotificationSettingsUpdate): Promise<NotificationSettings> {
  if (input.senderMailboxId) {
    const sender = await noticeSender(conn, ctx, input.senderMailboxId);
    if (!sender.ok) throw invalid([{ field: 'body.senderMailboxId', code: 'not_a_sender', message: sender.reason }]);
  }
  await conn
    .insert(notificationSettings)
    .values({ workspaceId: ctx.workspaceId, senderMailboxId: input.senderMailboxId })
    .onConflictDoUpdate({
      target: notificationSettings.workspaceId,
      set: { senderMailboxId: input.senderMailboxId, updatedAt: new Date() },
    });
  return getNotificationSettings(conn, ctx);
}

/** Sends notice `notificationId` by email: the worker's part of notify() for members who want email. */
export const noticeEmailJob = defineJob({
  name: 'notifications.email',
  input: Type.Object({ notificationId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  retry: { attempts: 5, baseMs: 5_000 },
  hidden: true,
  run: async ({ db, input, workspaceId }) => {
    if (!workspaceId) throw new Error('a notice email belongs to a workspace');
    const [n] = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.workspaceId, workspaceId), eq(notifications.id, input.notificationId)));
    // Gone (its member was removed) or sent by an earlier try that died before finishing: nothing to do.
    if (!n || n.emailedAt) return { skipped: 'already sent or gone' };
    const ctx = systemCtx(workspaceId, n.memberId);
    const record = async (error: string | null) =>
      db
        .update(notifications)
        .set(error ? { emailError: error } : { emailedAt: sql`now()`, emailError: null })
        .where(and(eq(notifications.workspaceId, workspaceId), eq(notifications.id, n.id)));
    const member = await memberContact(db, ctx, n.memberId);
    if (!member || member.disabled) return record('the member is no longer active');
    const { senderMailboxId } = await getNotificationSettings(db, ctx);
    if (!senderMailboxId) return record('no mailbox is chosen to send notifications (Settings → My profile, as an admin)');
    await sendNotice(db, ctx, senderMailboxId, {
      to: member.email,
      subject: `[Rapport] ${subjectOf(n)}`,
      text: textOf(n, loadConfig().baseUrl),
      messageKey: `notice.${n.id}`,
    });
    return record(null);
  },
  // Out of tries: the notice says why, in the mail server's words.
  onDead: async ({ db, input, workspaceId }, error) => {
    if (!workspaceId) return;
    await db
      .update(notifications)
      .set({ emailError: error instanceof Error ? error.message : String(error) })
      .where(and(eq(notifications.workspaceId, workspaceId), eq(notifications.id, input.notificationId)));
  },
});

/** Enqueues the email of a notice just written (in its transaction). */
export const emailNotice = (conn: Conn, ctx: Ctx, notificationId: string) =>
  enqueue(conn, noticeEmailJob, { notificationId }, { workspaceId: ctx.workspaceId });

type Row = typeof notifications.$inferSelect;

interface DigestBody {
  overdue: number;
  dueToday: number;
  unreadMentions: number;
  titles: string[];
}

const digestOf = (n: Row): DigestBody | null => {
  if (n.kind !== 'digest' || !n.body) return null;
  try {
    return JSON.parse(n.body) as DigestBody;
  } catch {
    return null;
  }
};

const subjectOf = (n: Row) => (n.kind === 'digest' ? `Your day: ${n.title}` : n.title).replace(/[\r\n]+/g, ' ').slice(0, 200);

/** Where the notice's record is in the app. */
function linkOf(n: Row, base: string) {
  if (!n.recordType || !n.recordId) return null;
  const segment = (builtInSegments as Record<string, string>)[n.recordType];
  const path = segment ? `/${segment}/${n.recordId}` : n.recordType === 'custom_record' ? null : `/o/${n.recordType}/${n.recordId}`;
  return path ? new URL(path, base).toString() : null;
}

function textOf(n: Row, base: string) {
  const lines = [n.title];
  const digest = digestOf(n);
  if (digest) {
    lines.push('', ...digest.titles.map((t) => `- ${t}`));
  } else if (n.body) {
    lines.push('', n.body);
  }
  const link = linkOf(n, base);
  if (link) lines.push('', `Open it: ${link}`);
  lines.push('', '--', 'You receive this because "Also by email" is on in your notification preferences (My profile).');
  return lines.join('\n');
}

import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { RecordLink } from '../../../contract/activities.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { systemCtx } from '../../http/context.ts';
import type { JobLog } from '../../jobs/define.ts';
import { createActivity } from '../activities/activities.service.ts';
import { applyCalendarMail } from '../activities/meetings.inbound.ts';
import { emitEvent } from '../history/history.service.ts';
import { planAttachments, storeAttachments } from './attachments.ts';
import type { MailboxRow } from './email.service.ts';
import { emailMessages, mailboxMessages } from './email.table.ts';
import { matchEmail } from './match.ts';
import type { ParsedEmail } from './parse.ts';
import { textArray, threadFor } from './threads.ts';

export interface Placement {
  role: 'inbox' | 'sent' | 'folder';
  /** '' for INBOX and Sent; a picked folder's path. */
  folder: string;
  uidValidity: number;
  uid: number;
}

/** What the activity of an email shows when its thread is shared: the subject and the text. */
export const activityContent = (e: { subject: string; textBody: string }) => ({
  subject: e.subject.slice(0, 300) || null,
  body: e.textBody || null,
});

/**
 * Stores one message of one mailbox folder, in the caller's transaction:
 * - the email itself once per workspace (by Message-ID): a message already stored from another
 *   mailbox, or from before a UIDVALIDITY change, is only linked to this place, and this mailbox's
 *   owner becomes one of its readers;
 * - a new email joins its thread (threads.ts) and takes the thread's privacy;
 * - it is matched to contacts, leads, companies and open deals (match.ts) and becomes an `email`
 *   activity on their timelines — with its subject and text when the thread is shared, without
 *   them (marked private) when not — and an `email.received` / `email.sent` event.
 * - a calendar part (an invite, a reply, a cancellation) updates or makes a meeting (applyCalendarMail).
 * `viewerId`: a member who sent it from a shared mailbox, who may read it too. `id`: the id a new
 * email gets (a tracked send's tokens name it before it is stored).
 * Returns whether the email was new.
 */
export async function storeMessage(
  conn: Conn,
  mb: MailboxRow,
  at: Placement | null,
  m: ParsedEmail,
  sent: boolean,
  opts: { viewerId?: string; log?: JobLog; id?: string } = {},
): Promise<{ id: string; created: boolean }> {
  const direction = sent || m.from?.address === mb.address ? 'sent' : 'received';
  const viewers = [...new Set([mb.ownerId, opts.viewerId].filter((v): v is string => Boolean(v)))];
  const participants = [
    ...new Set([m.from, ...m.to, ...m.cc].filter((a): a is { address: string; name: string } => Boolean(a)).map((a) => a.address)),
  ].slice(0, 200);

  const link = async (emailId: string) => {
    await conn.execute(sql`update email_messages set viewer_ids = array(select distinct unnest(viewer_ids || ${`{${viewers.join(',')}}`}::uuid[]))
      where workspace_id = ${mb.workspaceId} and id = ${emailId} and not (viewer_ids @> ${`{${viewers.join(',')}}`}::uuid[])`);
    if (at) {
      await conn
        .insert(mailboxMessages)
        .values({
          workspaceId: mb.workspaceId,
          mailboxId: mb.id,
          role: at.role,
          folder: at.folder,
          uidValidity: at.uidValidity,
          uid: at.uid,
          emailId,
        })
        .onConflictDoNothing();
    }
  };
  const known = async () => {
    const [row] = await conn
      .select({ id: emailMessages.id })
      .from(emailMessages)
      .where(and(eq(emailMessages.workspaceId, mb.workspaceId), eq(emailMessages.messageId, m.messageId)));
    return row?.id ?? null;
  };

  const before = await known();
  if (before) {
    await link(before);
    return { id: before, created: false };
  }
  const thread = await threadFor(conn, mb.workspaceId, m, participants, mb.privacy === 'workspace');
  const id = opts.id ?? uuidv7();
  const files = planAttachments(m);
  const inserted = await conn
    .insert(emailMessages)
    .values({
      workspaceId: mb.workspaceId,
      id,
      messageId: m.messageId,
      direction,
      subject: m.subject,
      fromAddress: m.from,
      toAddresses: m.to,
      ccAddresses: m.cc,
      date: m.date,
      textBody: m.text,
      htmlBody: m.html,
      inReplyTo: m.inReplyTo,
      references: m.references,
      attachments: files,
      threadId: thread.id,
      participants: sql`${textArray(participants)}`,
      viewerIds: viewers,
      automated: m.automated,
    })
    .onConflictDoNothing({ target: [emailMessages.workspaceId, emailMessages.messageId] })
    .returning({ id: emailMessages.id });
  if (!inserted.length) {
    // Another mailbox's sync stored it meanwhile: the thread made for it here is not needed.
    if (thread.created) {
      await conn.execute(sql`delete from email_threads t where t.workspace_id = ${mb.workspaceId} and t.id = ${thread.id}
        and not exists (select 1 from email_messages e where e.workspace_id = t.workspace_id and e.thread_id = t.id)`);
    }
    const other = (await known()) as string;
    await link(other);
    return { id: other, created: false };
  }
  await link(id);
  await storeAttachments(conn, mb.workspaceId, id, files, m);

  const ctx = systemCtx(mb.workspaceId, mb.ownerId);
  const matched = await matchEmail(conn, ctx, mb, m, direction);
  let activityId: string | null = null;
  if (matched.links.length) {
    const content = thread.shared ? activityContent({ subject: m.subject, textBody: m.text }) : { subject: null, body: null };
    const activity = await createActivity(
      conn,
      ctx,
      {
        type: 'email',
        ...content,
        occurredAt: m.date.toISOString(),
        outcome: direction,
        links: matched.links,
        autoLink: true,
      },
      { private: !thread.shared },
    );
    activityId = activity.id;
    await conn.execute(sql`update email_messages set activity_id = ${activityId} where workspace_id = ${mb.workspaceId} and id = ${id}`);
  }
  await emitEvent(conn, ctx, direction === 'sent' ? 'email.sent' : 'email.received', 'email', id, {
    emailId: id,
    mailboxId: mb.id,
    activityId,
    messageId: m.messageId,
    subject: thread.shared ? m.subject : '',
    from: m.from?.address ?? null,
    to: m.to.map((a) => a.address),
    contactIds: matched.contactIds,
  });
  await calendarPart(conn, ctx, m, matched.links, thread.shared, opts.log ?? consoleLog);
  return { id, created: true };
}

const consoleLog: JobLog = {
  info: (o, msg) => console.info(msg, o),
  warn: (o, msg) => console.warn(msg, o),
  error: (o, msg) => console.error(msg, o),
};

/**
 * Hands a message's calendar part to the meetings. In a savepoint, so that an invite that cannot
 * be used (or a bug in reading one) costs the invite, never the email or the rest of the batch.
 */
async function calendarPart(conn: Conn, ctx: Ctx, m: ParsedEmail, links: RecordLink[], shared: boolean, log: JobLog) {
  const i = m.attachments.findIndex((a) => a.contentType === 'text/calendar');
  const at = i >= 0 ? i : m.attachments.findIndex((a) => a.contentType === 'application/ics');
  if (at < 0 || !m.files[at]) return;
  try {
    const done = await conn.transaction((tx) =>
      applyCalendarMail(
        tx,
        ctx,
        { ics: m.files[at].toString('utf8'), messageId: m.messageId, from: m.from?.address ?? null, links, shared },
        log,
      ),
    );
    log.info({ messageId: m.messageId, done }, 'calendar part read');
  } catch (err) {
    log.warn({ messageId: m.messageId, err: String(err) }, 'calendar invite skipped: it could not be applied');
  }
}

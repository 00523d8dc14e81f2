import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Conn } from '../../db/client.ts';
import { systemCtx } from '../../http/context.ts';
import { createActivity } from '../activities/activities.service.ts';
import { emitEvent } from '../history/history.service.ts';
import { contactsByEmail } from '../imports/imports.queries.ts';
import type { MailboxRow } from './email.service.ts';
import { emailMessages, mailboxMessages } from './email.table.ts';
import type { ParsedEmail } from './parse.ts';

export interface Placement {
  role: 'inbox' | 'sent';
  uidValidity: number;
  uid: number;
}

/**
 * Stores one message of one mailbox folder, in the caller's transaction:
 * - the email itself once per workspace (by Message-ID): a message already stored from another
 *   mailbox, or from before a UIDVALIDITY change, is only linked to this place;
 * - a new email is matched to contacts by every address in From, To and Cc (but the mailbox's
 *   own) and becomes an `email` activity on their timelines (and their companies'), and an
 *   `email.received` / `email.sent` event.
 * Returns whether the email was new.
 */
export async function storeMessage(
  conn: Conn,
  mb: MailboxRow,
  at: Placement | null,
  m: ParsedEmail,
  sent: boolean,
): Promise<{ id: string; created: boolean }> {
  const direction = sent || m.from?.address === mb.address ? 'sent' : 'received';
  const id = uuidv7();
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
      attachments: m.attachments,
    })
    .onConflictDoNothing({ target: [emailMessages.workspaceId, emailMessages.messageId] })
    .returning({ id: emailMessages.id });
  let emailId = id;
  if (!inserted.length) {
    const [known] = await conn
      .select({ id: emailMessages.id })
      .from(emailMessages)
      .where(and(eq(emailMessages.workspaceId, mb.workspaceId), eq(emailMessages.messageId, m.messageId)));
    emailId = known.id;
  }
  if (at) {
    await conn
      .insert(mailboxMessages)
      .values({ workspaceId: mb.workspaceId, mailboxId: mb.id, role: at.role, uidValidity: at.uidValidity, uid: at.uid, emailId })
      .onConflictDoNothing();
  }
  if (!inserted.length) return { id: emailId, created: false };

  const ctx = systemCtx(mb.workspaceId, mb.ownerId);
  const addresses = [...new Set([m.from, ...m.to, ...m.cc].filter((a) => a && a.address !== mb.address).map((a) => a?.address as string))];
  const contacts = [...new Set((await contactsByEmail(conn, ctx, addresses)).values())];
  let activityId: string | null = null;
  if (contacts.length) {
    const activity = await createActivity(conn, ctx, {
      type: 'email',
      subject: m.subject.slice(0, 300) || null,
      body: m.text || null,
      occurredAt: m.date.toISOString(),
      outcome: direction,
      links: contacts.slice(0, 40).map((recordId) => ({ recordType: 'contact' as const, recordId })),
      autoLink: true,
    });
    activityId = activity.id;
    await conn.execute(
      sql`update email_messages set activity_id = ${activityId} where workspace_id = ${mb.workspaceId} and id = ${emailId}`,
    );
  }
  await emitEvent(conn, ctx, direction === 'sent' ? 'email.sent' : 'email.received', 'email', emailId, {
    emailId,
    mailboxId: mb.id,
    activityId,
    messageId: m.messageId,
    subject: m.subject,
    from: m.from?.address ?? null,
    to: m.to.map((a) => a.address),
    contactIds: contacts,
  });
  return { id: emailId, created: true };
}

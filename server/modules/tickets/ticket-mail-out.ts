import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/client.ts';
import { systemCtx } from '../../http/context.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { emailIdByMessageId, systemMailbox } from '../email/email.service.ts';
import { sendEmail } from '../email/send.ts';
import { filesToSend, type Upload } from './attachments.ts';
import { supportMailboxOf } from './support-mailboxes.service.ts';
import { ticketEmails } from './ticket-mail.table.ts';
import { ticketMessages, tickets } from './tickets.table.ts';

export interface TicketMailOut {
  workspaceId: string;
  ticketId: string;
  /** `ack`: the automatic acknowledgement of a new ticket; `reply`: an agent's public reply. */
  kind: 'ack' | 'reply';
  /** The reply sent (ticket_messages.id); null for an acknowledgement. */
  ticketMessageId: string | null;
}

/** `[#N]` once at the end of a subject: a customer's client keeps it, and it finds the ticket when headers are lost. */
export const withReference = (subject: string, n: number) => {
  const bare = subject.replace(/\s*\[#\d{1,9}\]/g, '').trim();
  return `${bare} [#${n}]`.slice(0, 998);
};

/** Fills {{ticket.number}}, {{ticket.subject}} and {{requester.name}} (plain text: nothing is markup). */
export function fillAck(template: string, values: { number: number; subject: string; requesterName: string }) {
  return template
    .replaceAll('{{ticket.number}}', String(values.number))
    .replaceAll('{{ticket.subject}}', values.subject)
    .replaceAll('{{requester.name}}', values.requesterName);
}

/**
 * Sends an email of a ticket's thread from its support address to the customer: an agent's public
 * reply, or the acknowledgement of a new ticket (with Auto-Submitted: auto-replied, RFC 3834, so
 * that the customer's own robots do not answer it). It answers the thread's newest email, so the
 * customer's client threads it, and carries `[#N]`. Its Message-ID is fixed by what it sends (the
 * reply or the ticket), so a run again after a crash finds the email it sent and only records it.
 */
export async function sendTicketMail(db: Db, input: TicketMailOut): Promise<{ sent: boolean; why?: string; emailId?: string }> {
  const { workspaceId, ticketId } = input;
  const [customer] = await db
    .select()
    .from(ticketEmails)
    .where(and(eq(ticketEmails.workspaceId, workspaceId), eq(ticketEmails.ticketId, ticketId), eq(ticketEmails.direction, 'in')))
    .orderBy(ticketEmails.createdAt)
    .limit(1);
  if (!customer) return { sent: false, why: 'the ticket has no email thread' };
  const support = await supportMailboxOf(db, workspaceId, customer.mailboxId);
  const mb = await systemMailbox(db, workspaceId, customer.mailboxId);
  if (!support || !mb?.shared) return { sent: false, why: 'its mailbox is no longer a support address' };
  const [ticket] = await db
    .select({ number: tickets.number, subject: tickets.subject, requesterId: tickets.requesterId })
    .from(tickets)
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, ticketId), sql`${tickets.deletedAt} is null`));
  if (!ticket) return { sent: false, why: 'the ticket is gone' };

  const key = input.kind === 'ack' ? `ticket-ack.${ticketId}` : `ticket-reply.${input.ticketMessageId}`;
  const messageId = `${key}@${mb.address.split('@')[1] ?? 'rapport.invalid'}`;
  const [recorded] = await db
    .select({ emailId: ticketEmails.emailId })
    .from(ticketEmails)
    .where(and(eq(ticketEmails.workspaceId, workspaceId), eq(ticketEmails.messageId, messageId)));
  if (recorded) return { sent: false, why: 'sent already', emailId: recorded.emailId ?? undefined };

  const ctx = systemCtx(workspaceId, mb.ownerId);
  let emailId = await emailIdByMessageId(db, workspaceId, messageId);
  if (!emailId) {
    let subject: string;
    let text: string;
    let files: Upload[] = [];
    if (input.kind === 'ack') {
      const requester = ticket.requesterId
        ? await getContact(db, { ...ctx, access: undefined }, ticket.requesterId).catch(() => null)
        : null;
      const values = {
        number: ticket.number,
        subject: ticket.subject,
        requesterName: [requester?.firstName, requester?.lastName].filter(Boolean).join(' ') || customer.address,
      };
      subject = withReference(fillAck(support.ackSubject, values), ticket.number);
      text = fillAck(support.ackBody, values);
    } else {
      const [message] = await db
        .select({ body: ticketMessages.body, kind: ticketMessages.kind, authorMemberId: ticketMessages.authorMemberId })
        .from(ticketMessages)
        .where(
          and(
            eq(ticketMessages.workspaceId, workspaceId),
            eq(ticketMessages.ticketId, ticketId),
            eq(ticketMessages.id, input.ticketMessageId ?? ''),
          ),
        );
      if (message?.kind !== 'reply' || !message.authorMemberId) return { sent: false, why: 'not an agent’s public reply' };
      subject = withReference(`Re: ${ticket.subject}`, ticket.number);
      text = message.body;
      files = await filesToSend(db, workspaceId, input.ticketMessageId ?? '');
    }
    const [parent] = await db
      .select({ emailId: ticketEmails.emailId })
      .from(ticketEmails)
      .where(and(eq(ticketEmails.workspaceId, workspaceId), eq(ticketEmails.ticketId, ticketId), isNotNull(ticketEmails.emailId)))
      .orderBy(desc(ticketEmails.createdAt))
      .limit(1);
    const sent = await sendEmail(
      db,
      ctx,
      {
        mailboxId: mb.id,
        to: [customer.address],
        subject,
        text,
        ...(parent?.emailId ? { replyTo: parent.emailId } : {}),
        ...(files.length
          ? { attachments: files.map((f) => ({ filename: f.filename, contentType: f.contentType, content: f.content.toString('base64') })) }
          : {}),
      },
      { messageKey: key, ...(input.kind === 'ack' ? { headers: { 'Auto-Submitted': 'auto-replied' } } : {}) },
    );
    emailId = sent.id;
  }
  await db
    .insert(ticketEmails)
    .values({
      workspaceId,
      id: uuidv7(),
      ticketId,
      mailboxId: mb.id,
      messageId,
      emailId,
      direction: 'out',
      kind: input.kind,
      address: customer.address,
      ticketMessageId: input.ticketMessageId,
    })
    .onConflictDoNothing();
  return { sent: true, emailId };
}

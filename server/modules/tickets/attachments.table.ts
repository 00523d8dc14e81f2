import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { bytea, tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { emailAttachments } from '../email/email.table.ts';
import { ticketMessages, tickets } from './tickets.table.ts';

/**
 * The files of a ticket's conversation, in the database like an email's (backed up with it, gone
 * with the ticket or the message). A file comes with a message, or with the ticket itself when it
 * came with what opened the ticket (the first email, the portal's form: they are its description).
 * A file of an email that reached the support address is not copied: the row names the email's
 * stored attachment and the bytes stay there. One the email did not store (over the cap) keeps
 * its note, so the conversation says why it is missing.
 */
export const ticketAttachments = pgTable(
  'ticket_attachments',
  {
    ...tenantKey(),
    ticketId: uuid('ticket_id').notNull(),
    /** The message it came with; null: it came with the ticket (listed with the description). */
    messageId: uuid('message_id'),
    filename: text('filename'),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    /** The bytes of a file uploaded to the ticket. */
    content: bytea('content'),
    /** Or the email's stored attachment that holds them (email_attachments.id). */
    emailAttachmentId: uuid('email_attachment_id'),
    /** Why neither holds the bytes ("not stored: 14 MB is over the 10 MB limit"). */
    note: text('note'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.ticketId], foreignColumns: [tickets.workspaceId, tickets.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.messageId], foreignColumns: [ticketMessages.workspaceId, ticketMessages.id] }).onDelete(
      'cascade',
    ),
    foreignKey({
      columns: [t.workspaceId, t.emailAttachmentId],
      foreignColumns: [emailAttachments.workspaceId, emailAttachments.id],
    }).onDelete('cascade'),
    index('ticket_attachments_ticket_idx').on(t.workspaceId, t.ticketId),
    index('ticket_attachments_email_idx').on(t.workspaceId, t.emailAttachmentId),
    check('ticket_attachments_one_source', sql`${t.content} is null or ${t.emailAttachmentId} is null`),
  ],
);

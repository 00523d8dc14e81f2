import { boolean, foreignKey, index, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { mailboxes } from '../email/email.table.ts';
import { teams } from '../teams/teams.table.ts';
import { tickets } from './tickets.table.ts';

/**
 * A shared mailbox that is a support address: every new thread in it becomes a ticket, replies
 * thread into theirs, and agents' public replies go out from it (ticket-mail.ts).
 */
export const supportMailboxes = pgTable(
  'support_mailboxes',
  {
    ...tenantKey(),
    mailboxId: uuid('mailbox_id').notNull(),
    /** The team new tickets from this address go to; null: no team. */
    teamId: uuid('team_id'),
    /** Answer a new ticket's requester at once with `ackSubject` / `ackBody` (placeholders filled in). */
    autoAcknowledge: boolean('auto_acknowledge').notNull().default(false),
    ackSubject: text('ack_subject').notNull(),
    ackBody: text('ack_body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    unique('support_mailboxes_mailbox_key').on(t.workspaceId, t.mailboxId),
    foreignKey({ columns: [t.workspaceId, t.mailboxId], foreignColumns: [mailboxes.workspaceId, mailboxes.id] }).onDelete('cascade'),
    // A team removed leaves the address without a team: releaseTeam (tickets.service.ts), not ON
    // DELETE SET NULL, which Citus refuses on a key that holds the distribution column.
    foreignKey({ name: 'support_mailboxes_team_fk', columns: [t.workspaceId, t.teamId], foreignColumns: [teams.workspaceId, teams.id] }),
  ],
);

/**
 * Every email of a ticket's thread, in and out, by Message-ID: a customer's reply names one of them
 * in In-Reply-To or References, which is how it finds its ticket. `address` is the customer's side
 * (the sender of a message in, the recipient of one out): the rate guard and the subject reference
 * check read it.
 */
export const ticketEmails = pgTable(
  'ticket_emails',
  {
    ...tenantKey(),
    ticketId: uuid('ticket_id').notNull(),
    mailboxId: uuid('mailbox_id').notNull(),
    messageId: text('message_id').notNull(),
    /** The stored email (email_messages.id), when there is one. */
    emailId: uuid('email_id'),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    /** `ack`: the automatic acknowledgement; `reply`: an agent's reply; `message`: what the customer wrote. */
    kind: text('kind', { enum: ['message', 'reply', 'ack'] }).notNull(),
    address: text('address').notNull(),
    /** The ticket message an agent's reply sent (ticket_messages.id). */
    ticketMessageId: uuid('ticket_message_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    unique('ticket_emails_message_key').on(t.workspaceId, t.messageId),
    foreignKey({ columns: [t.workspaceId, t.ticketId], foreignColumns: [tickets.workspaceId, tickets.id] }).onDelete('cascade'),
    index('ticket_emails_ticket_idx').on(t.workspaceId, t.ticketId, t.createdAt),
    index('ticket_emails_address_idx').on(t.workspaceId, t.address, t.createdAt),
  ],
);

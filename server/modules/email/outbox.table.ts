import { boolean, foreignKey, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { Role } from '../../../contract/common.ts';
import type { EmailSend } from '../../../contract/email.ts';
import { outboxStatuses } from '../../../contract/email-templates.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';
import { mailboxes } from './email.table.ts';

/**
 * A message waiting to be sent: the undo window of a send, or a scheduled time. The `email.outbox`
 * job sends it at `send_at` unless it was cancelled; the row lock decides a race between the two.
 */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    ...tenantKey(),
    mailboxId: uuid('mailbox_id').notNull(),
    memberId: uuid('member_id').notNull(),
    /** The sender's role when queued: the job acts as them. */
    role: text('role').$type<Role>().notNull(),
    request: jsonb('request').$type<EmailSend>().notNull(),
    sendAt: ts('send_at').notNull(),
    scheduled: boolean('scheduled').notNull().default(false),
    status: text('status', { enum: outboxStatuses }).notNull().default('queued'),
    emailId: uuid('email_id'),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.memberId),
    foreignKey({ columns: [t.workspaceId, t.mailboxId], foreignColumns: [mailboxes.workspaceId, mailboxes.id] }).onDelete('cascade'),
    index('email_outbox_member_idx').on(t.workspaceId, t.memberId, t.status),
  ],
);

/** The email module's workspace settings. */
export const emailSettings = pgTable('email_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  undoSeconds: integer('undo_seconds').notNull().default(10),
  /** Whether members may send with open and click tracking (each message still asks for it; off by default). */
  tracking: boolean('tracking').notNull().default(true),
});

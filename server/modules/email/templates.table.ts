import { foreignKey, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { templateVisibilities } from '../../../contract/email-templates.ts';
import { recordColumns, tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import { mailboxes } from './email.table.ts';

/**
 * An email template: subject and body with merge fields, private to its author or shared. Checked
 * when saved (every merge field must name a field), rendered for the recipient when sent.
 */
export const emailTemplates = pgTable(
  'email_templates',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    visibility: text('visibility', { enum: templateVisibilities }).notNull().default('private'),
    ownerId: uuid('owner_id').notNull(),
    ...recordColumns(),
  },
  (t) => [...tenantConstraints(t), memberRef(t, t.ownerId)],
);

/** A member's signature for one mailbox (a shared mailbox is written from by several members, each signing as themselves). */
export const emailSignatures = pgTable(
  'email_signatures',
  {
    workspaceId: uuid('workspace_id').notNull(),
    memberId: uuid('member_id').notNull(),
    mailboxId: uuid('mailbox_id').notNull(),
    body: text('body').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.memberId, t.mailboxId] }),
    memberRef(t, t.memberId),
    foreignKey({ columns: [t.workspaceId, t.mailboxId], foreignColumns: [mailboxes.workspaceId, mailboxes.id] }).onDelete('cascade'),
  ],
);

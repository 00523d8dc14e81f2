import { boolean, foreignKey, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { contacts } from '../contacts/contacts.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/** A workspace's portal: the shared mailbox its mail goes out from, and whether company tickets show. */
export const portalSettings = pgTable(
  'portal_settings',
  {
    workspaceId: uuid('workspace_id').primaryKey(),
    senderMailboxId: uuid('sender_mailbox_id'),
    companyTickets: boolean('company_tickets').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade')],
);

/**
 * Sign-in links emailed to customers: single use, short-lived, only the hash kept (the token, like a
 * member's session token, starts with the workspace id so the lookup stays on the workspace's node).
 */
export const portalLinks = pgTable(
  'portal_links',
  {
    ...tenantKey(),
    contactId: uuid('contact_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.contactId], foreignColumns: [contacts.workspaceId, contacts.id] }).onDelete('cascade'),
    uniqueIndex('portal_links_token_key').on(t.workspaceId, t.tokenHash),
  ],
);

/** A customer's portal session: apart from members' sessions, so that it can never reach the API. */
export const portalSessions = pgTable(
  'portal_sessions',
  {
    ...tenantKey(),
    contactId: uuid('contact_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.contactId], foreignColumns: [contacts.workspaceId, contacts.id] }).onDelete('cascade'),
    uniqueIndex('portal_sessions_token_key').on(t.workspaceId, t.tokenHash),
    index('portal_sessions_contact_idx').on(t.workspaceId, t.contactId),
  ],
);

import { boolean, foreignKey, index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { satisfactionRatings } from '../../../contract/portal.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { contacts } from '../contacts/contacts.table.ts';
import { tickets } from '../tickets/tickets.table.ts';
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

/**
 * A requester's satisfaction with a solved ticket (CSAT): one rating per ticket, the latest click
 * wins. The assignee and team are kept as they were when it was rated, so that the per-agent and
 * per-team results stay with whoever solved it after the ticket moves on.
 */
export const ticketRatings = pgTable(
  'ticket_ratings',
  {
    workspaceId: uuid('workspace_id').notNull(),
    ticketId: uuid('ticket_id').notNull(),
    rating: text('rating', { enum: satisfactionRatings }).notNull(),
    comment: text('comment'),
    assigneeId: uuid('assignee_id'),
    teamId: uuid('team_id'),
    ratedAt: ts('rated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.ticketId] }),
    foreignKey({ columns: [t.workspaceId, t.ticketId], foreignColumns: [tickets.workspaceId, tickets.id] }).onDelete('cascade'),
    index('ticket_ratings_rated_idx').on(t.workspaceId, t.ratedAt),
  ],
);

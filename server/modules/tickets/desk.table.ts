import { foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { type MacroChanges, ticketRelationKinds } from '../../../contract/desk.ts';
import { ticketMessageKinds } from '../../../contract/support.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';
import { tickets } from './tickets.table.ts';

/** Canned replies with field changes; `owner_id` null: shared by the workspace. */
export const ticketMacros = pgTable(
  'ticket_macros',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    ownerId: uuid('owner_id'),
    body: text('body'),
    kind: text('kind', { enum: ticketMessageKinds }).notNull().default('reply'),
    changes: jsonb('changes').$type<MacroChanges>().notNull().default({}),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    // A member removed takes their personal macros along.
    memberRef(t, t.ownerId).onDelete('cascade'),
  ],
);

/**
 * Who has a ticket open, and whether they are writing: one row per member and ticket, refreshed
 * while the page is open. A row older than the presence window counts as gone; no job is needed
 * to clear it, the next heartbeat on that ticket removes the stale ones.
 */
export const ticketPresence = pgTable(
  'ticket_presence',
  {
    workspaceId: uuid('workspace_id').notNull(),
    ticketId: uuid('ticket_id').notNull(),
    memberId: uuid('member_id').notNull(),
    state: text('state', { enum: ['viewing', 'replying'] }).notNull(),
    seenAt: ts('seen_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.ticketId, t.memberId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.ticketId], foreignColumns: [tickets.workspaceId, tickets.id] }).onDelete('cascade'),
    memberRef(t, t.memberId).onDelete('cascade'),
  ],
);

/** Merges and splits between tickets, written from both sides so that each ticket reads its own. */
export const ticketRelations = pgTable(
  'ticket_relations',
  {
    ...tenantKey(),
    ticketId: uuid('ticket_id').notNull(),
    kind: text('kind', { enum: ticketRelationKinds }).notNull(),
    otherId: uuid('other_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.ticketId], foreignColumns: [tickets.workspaceId, tickets.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.otherId], foreignColumns: [tickets.workspaceId, tickets.id] }).onDelete('cascade'),
    index('ticket_relations_ticket_idx').on(t.workspaceId, t.ticketId),
  ],
);

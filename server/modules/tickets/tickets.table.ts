import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import {
  type SlaPolicyPut,
  slaStates,
  ticketChannels,
  ticketMessageKinds,
  ticketPriorities,
  ticketStatuses,
} from '../../../contract/support.ts';
import { customColumn, recordColumns, tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import { companies } from '../companies/companies.table.ts';
import { contacts } from '../contacts/contacts.table.ts';
import { teams } from '../teams/teams.table.ts';

/** A pause of the SLA clock as stored: ISO instants (jsonb has no timestamps). */
export type StoredPause = { from: string; to: string | null };

export const tickets = pgTable(
  'tickets',
  {
    ...tenantKey(),
    number: integer('number').notNull(),
    subject: text('subject').notNull(),
    description: text('description'),
    requesterId: uuid('requester_id'),
    companyId: uuid('company_id'),
    status: text('status', { enum: ticketStatuses }).notNull().default('new'),
    priority: text('priority', { enum: ticketPriorities }).notNull().default('normal'),
    type: text('type'),
    channel: text('channel', { enum: ticketChannels }).notNull().default('web_form'),
    assigneeId: uuid('assignee_id'),
    teamId: uuid('team_id'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    dealIds: uuid('deal_ids').array().notNull().default(sql`'{}'::uuid[]`),
    firstResponseDueAt: ts('first_response_due_at'),
    firstRespondedAt: ts('first_responded_at'),
    /** When the requester's newest unanswered reply must be answered by (next-response target). */
    nextResponseDueAt: ts('next_response_due_at'),
    /** When the requester's newest unanswered reply came: where the next-response clock starts. */
    awaitingSince: ts('awaiting_since'),
    resolutionDueAt: ts('resolution_due_at'),
    solvedAt: ts('solved_at'),
    /** The stretches the clock stood still (pending, on hold); the last one open while it still does. */
    slaPauses: jsonb('sla_pauses').$type<StoredPause[]>().notNull().default([]),
    slaState: text('sla_state', { enum: slaStates }).notNull().default('none'),
    custom: customColumn(),
    ...recordColumns(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.assigneeId),
    foreignKey({ columns: [t.workspaceId, t.requesterId], foreignColumns: [contacts.workspaceId, contacts.id] }),
    foreignKey({ columns: [t.workspaceId, t.companyId], foreignColumns: [companies.workspaceId, companies.id] }),
    // No ON DELETE SET NULL (team_id): Citus refuses it on a key that holds the distribution column.
    // Deleting a team leaves its tickets without one through releaseTeam (tickets.service.ts) instead.
    foreignKey({ name: 'tickets_team_fk', columns: [t.workspaceId, t.teamId], foreignColumns: [teams.workspaceId, teams.id] }),
    unique('tickets_number_key').on(t.workspaceId, t.number),
    index('tickets_queue_idx').on(t.workspaceId, t.status, t.assigneeId),
    index('tickets_requester_idx').on(t.workspaceId, t.requesterId),
    // The open tickets: the SLA scan reads those with a target still ahead or passed (by sla_state),
    // and the desk's queue counts read all of them from the index alone (assignee, team, state), not
    // the table: over 100k open tickets of 1M, 25 ms instead of 360 (bench/desk.ts).
    index('tickets_open_idx')
      .on(t.workspaceId, t.slaState, t.assigneeId, t.teamId)
      .where(sql`deleted_at is null and status in ('new', 'open', 'pending', 'on_hold')`),
  ],
);

/** A ticket's conversation: public replies and internal notes, oldest first. */
export const ticketMessages = pgTable(
  'ticket_messages',
  {
    ...tenantKey(),
    ticketId: uuid('ticket_id').notNull(),
    kind: text('kind', { enum: ticketMessageKinds }).notNull(),
    authorMemberId: uuid('author_member_id'),
    authorContactId: uuid('author_contact_id'),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.authorMemberId),
    foreignKey({ columns: [t.workspaceId, t.ticketId], foreignColumns: [tickets.workspaceId, tickets.id] }).onDelete('cascade'),
    index('ticket_messages_ticket_idx').on(t.workspaceId, t.ticketId, t.createdAt),
  ],
);

/** One SLA policy per workspace; its overrides narrow it by channel and customer tier (sla.ts). */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    ...tenantKey(),
    policy: jsonb('policy').$type<SlaPolicyPut>().notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [...tenantConstraints(t), unique('sla_policies_workspace_key').on(t.workspaceId)],
);

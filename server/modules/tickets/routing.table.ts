import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, integer, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
import { agentStatuses, routingMethods, ticketChannels } from '../../../contract/support.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import { teams } from '../teams/teams.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/** A member's support status and skills. A member without a row is `off` with no skills. */
export const supportAgents = pgTable(
  'support_agents',
  {
    workspaceId: uuid('workspace_id').notNull(),
    memberId: uuid('member_id').notNull(),
    status: text('status', { enum: agentStatuses }).notNull().default('off'),
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    statusChangedAt: ts('status_changed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.memberId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    memberRef(t, t.memberId),
  ],
);

/**
 * How a team hands out new tickets. `last_member_id` is the round-robin cursor: the agent who got
 * the team's latest routed ticket. The row is locked while a ticket is routed, so that two tickets
 * created at once cannot both go to the same "next" agent. A team without a row routes manually.
 */
export const teamRouting = pgTable(
  'team_routing',
  {
    workspaceId: uuid('workspace_id').notNull(),
    teamId: uuid('team_id').notNull(),
    method: text('method', { enum: routingMethods }).notNull().default('manual'),
    reassignWhenAway: boolean('reassign_when_away').notNull().default(false),
    // No foreign key: the cursor only orders the rotation, and a member who left must not block it.
    lastMemberId: uuid('last_member_id'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.teamId] }),
    foreignKey({ columns: [t.workspaceId, t.teamId], foreignColumns: [teams.workspaceId, teams.id] }).onDelete('cascade'),
  ],
);

/** The workspace's routing rules, tried in `position` order on every new ticket without an assignee. */
export const routingRules = pgTable(
  'routing_rules',
  {
    ...tenantKey(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    channels: text('channels', { enum: ticketChannels }).array().notNull().default(sql`'{}'::text[]`),
    tiers: text('tiers').array().notNull().default(sql`'{}'::text[]`),
    teamId: uuid('team_id').notNull(),
    requiredSkill: text('required_skill'),
  },
  (t) => [
    ...tenantConstraints(t),
    // A team deleted takes its rules with it: a rule routing to nowhere would only confuse.
    foreignKey({ columns: [t.workspaceId, t.teamId], foreignColumns: [teams.workspaceId, teams.id] }).onDelete('cascade'),
    unique('routing_rules_position_key').on(t.workspaceId, t.position),
    index('routing_rules_team_idx').on(t.workspaceId, t.teamId),
  ],
);

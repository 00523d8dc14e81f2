import { foreignKey, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

/**
 * A team of members, inside a hierarchy: a team may sit under a parent team, and "team and below"
 * reaches every team under it, however deep. The service refuses a parent that makes a cycle.
 */
export const teams = pgTable(
  'teams',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    parentTeamId: uuid('parent_team_id'),
    /** The member who leads the team; counted among its members for visibility. */
    managerId: uuid('manager_id'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    createdBy: uuid('created_by'),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.parentTeamId], foreignColumns: [t.workspaceId, t.id] }),
    memberRef(t, t.managerId),
    index('teams_parent_idx').on(t.workspaceId, t.parentTeamId),
  ],
);

/** A member in a team; a member may be in several. */
export const teamMembers = pgTable(
  'team_members',
  {
    workspaceId: uuid('workspace_id').notNull(),
    teamId: uuid('team_id').notNull(),
    memberId: uuid('member_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.teamId, t.memberId] }),
    foreignKey({ columns: [t.workspaceId, t.teamId], foreignColumns: [teams.workspaceId, teams.id] }).onDelete('cascade'),
    memberRef(t, t.memberId),
    // A member's teams, read when their request's access is resolved.
    index('team_members_member_idx').on(t.workspaceId, t.memberId),
  ],
);

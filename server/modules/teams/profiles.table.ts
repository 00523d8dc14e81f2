import { foreignKey, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import type { ProfileRights } from '../../../contract/access.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

/** An access profile ("role") defined by the workspace: per object type, scopes and actions. */
export const accessProfiles = pgTable(
  'access_profiles',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    description: text('description'),
    rights: jsonb('rights').$type<ProfileRights>().notNull(),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    createdBy: uuid('created_by'),
  },
  (t) => [...tenantConstraints(t)],
);

/** The profile a member holds (at most one); a member without a row is not narrowed. */
export const memberProfiles = pgTable(
  'member_profiles',
  {
    workspaceId: uuid('workspace_id').notNull(),
    memberId: uuid('member_id').notNull(),
    profileId: uuid('profile_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.memberId] }),
    memberRef(t, t.memberId),
    // A profile in use cannot be deleted: the service says so first, the key makes sure.
    foreignKey({ columns: [t.workspaceId, t.profileId], foreignColumns: [accessProfiles.workspaceId, accessProfiles.id] }),
  ],
);

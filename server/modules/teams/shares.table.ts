import { sql } from 'drizzle-orm';
import { check, foreignKey, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import { teams } from './teams.table.ts';

/**
 * A record (of any object) shared with one member or one team, to read or to edit, beyond what the
 * role's scope reaches. The visibility predicate (records/visibility.ts) reads this table by name,
 * in SQL: the record engine imports no module.
 */
export const recordShares = pgTable(
  'record_shares',
  {
    ...tenantKey(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    memberId: uuid('member_id'),
    teamId: uuid('team_id'),
    access: text('access', { enum: ['read', 'edit'] }).notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    createdBy: uuid('created_by'),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.memberId),
    foreignKey({ columns: [t.workspaceId, t.teamId], foreignColumns: [teams.workspaceId, teams.id] }).onDelete('cascade'),
    check('record_shares_one_grantee', sql`(${t.memberId} is null) <> (${t.teamId} is null)`),
    check('record_shares_access', sql`${t.access} in ('read', 'edit')`),
    // One share per record and grantee: sharing again changes its access. The predicate's lookup
    // (a record's shares) reads this index too.
    unique('record_shares_grantee_uq').on(t.workspaceId, t.recordType, t.recordId, t.memberId, t.teamId).nullsNotDistinct(),
  ],
);

import { foreignKey, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { securityEventKinds } from '../../../contract/audit.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * The security log: role, key, sign-in method and setting changes, exports, imports, merges,
 * erasures and refused requests. Unlike record history it is purged after the workspace's
 * retention period (audit.jobs.ts), so it lives in a table of its own rather than as history rows.
 */
export const securityEvents = pgTable(
  'security_events',
  {
    ...tenantKey(),
    kind: text('kind', { enum: securityEventKinds }).notNull(),
    actorType: text('actor_type', { enum: ['member', 'api_key', 'system'] }).notNull(),
    actorId: uuid('actor_id'),
    /** The member who acted, or who made the API key that acted: what "filter by member" matches. */
    memberId: uuid('member_id'),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    detail: jsonb('detail').notNull().default({}),
    ip: text('ip'),
    requestId: text('request_id'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [...tenantConstraints(t), index('security_events_at_idx').on(t.workspaceId, t.at)],
);

/** How long a workspace keeps its security events and sign-ins; no row (or null) keeps them for good. */
export const auditSettings = pgTable(
  'audit_settings',
  {
    workspaceId: uuid('workspace_id').primaryKey(),
    retentionDays: integer('retention_days'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade')],
);

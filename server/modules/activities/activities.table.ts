import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { customColumn, recordColumns, tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

export const activityTypes = ['note', 'call', 'meeting', 'email', 'chat'] as const;

export const activities = pgTable(
  'activities',
  {
    ...tenantKey(),
    type: text('type', { enum: activityTypes }).notNull(),
    subject: text('subject'),
    body: text('body'),
    occurredAt: ts('occurred_at').notNull(),
    durationSeconds: integer('duration_seconds'),
    outcome: text('outcome'),
    ownerId: uuid('owner_id'),
    /** The members a note mentions (`@Name` in its text), by id: who was notified. */
    mentions: uuid('mentions').array().notNull().default(sql`'{}'::uuid[]`),
    /**
     * Its content is private and not kept here: a private email's activity says that an email
     * happened, and its subject and body stay with the email, which only its mailboxes' owners read.
     */
    private: boolean('private').notNull().default(false),
    custom: customColumn(),
    ...recordColumns(),
  },
  (t) => [...tenantConstraints(t), memberRef(t, t.ownerId), index('activities_occurred_idx').on(t.workspaceId, t.occurredAt)],
);

/**
 * One activity shows on every record it concerns (the contact, their company, the deal).
 * `occurred_at` is copied here so that a record's timeline is one index range scan, newest first.
 */
export const activityLinks = pgTable(
  'activity_links',
  {
    workspaceId: uuid('workspace_id').notNull(),
    activityId: uuid('activity_id').notNull(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    occurredAt: ts('occurred_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.activityId, t.recordType, t.recordId] }),
    foreignKey({
      columns: [t.workspaceId, t.activityId],
      foreignColumns: [activities.workspaceId, activities.id],
    }).onDelete('cascade'),
    index('activity_links_timeline_idx').on(t.workspaceId, t.recordType, t.recordId, t.occurredAt.desc(), t.activityId.desc()),
  ],
);

import { sql } from 'drizzle-orm';
import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

/** In-app notices to one member each, newest first; read ones stay until a retention job comes. */
export const notifications = pgTable(
  'notifications',
  {
    ...tenantKey(),
    memberId: uuid('member_id').notNull(),
    title: text('title').notNull(),
    body: text('body'),
    /** The record the notice links to: a built-in object's type or a custom object's key. */
    recordType: text('record_type'),
    recordId: uuid('record_id'),
    readAt: ts('read_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.memberId),
    index('notifications_member_idx').on(t.workspaceId, t.memberId, t.id),
    index('notifications_unread_idx').on(t.workspaceId, t.memberId).where(sql`read_at is null`),
  ],
);

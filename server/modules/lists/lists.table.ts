import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { recordColumns, tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';

/** A static list: a named set of records of one object, shared by the workspace. */
export const recordLists = pgTable(
  'record_lists',
  {
    ...tenantKey(),
    /** A built-in object (`contact`) or a custom object's key. */
    objectType: text('object_type').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    ...recordColumns(),
  },
  (t) => [
    ...tenantConstraints(t),
    // Names are told apart without case among the lists not in the trash ("VIP" and "vip" are one list).
    uniqueIndex('record_lists_name_key').on(t.workspaceId, sql`lower(${t.name})`).where(sql`deleted_at is null`),
  ],
);

/** A record in a list. Adding it again changes nothing; purging the record removes the row. */
export const recordListMembers = pgTable(
  'record_list_members',
  {
    workspaceId: uuid('workspace_id').notNull(),
    listId: uuid('list_id').notNull(),
    recordId: uuid('record_id').notNull(),
    addedAt: ts('added_at').notNull().defaultNow(),
    /** The member who added it; null for automation or an API key. */
    addedBy: uuid('added_by'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.listId, t.recordId] }),
    foreignKey({ columns: [t.workspaceId, t.listId], foreignColumns: [recordLists.workspaceId, recordLists.id] }).onDelete('cascade'),
    // A list's members newest first (its page), and a record's lists (its chips, purging it).
    index('record_list_members_added_idx').on(t.workspaceId, t.listId, t.addedAt, t.recordId),
    index('record_list_members_record_idx').on(t.workspaceId, t.recordId),
  ],
);

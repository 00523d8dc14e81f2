import { foreignKey, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customColumn, recordColumns, tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

/** A type of record an admin defined (Projects …). Its fields are field definitions whose object_type is its key. */
export const objectTypes = pgTable(
  'object_types',
  {
    ...tenantKey(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    labelPlural: text('label_plural').notNull(),
    icon: text('icon').notNull().default('box'),
    ...recordColumns(),
  },
  (t) => [...tenantConstraints(t), uniqueIndex('object_types_key').on(t.workspaceId, t.key)],
);

/**
 * The records of every custom object, in one tenant table: a row per record, its type by id, its
 * fields in `custom` (validated against the type's field definitions like any custom values). One
 * table, not one per type: no DDL when an admin adds an object, and Citus distributes it by
 * workspace like every other table.
 */
export const customRecords = pgTable(
  'custom_records',
  {
    ...tenantKey(),
    objectTypeId: uuid('object_type_id').notNull(),
    name: text('name').notNull(),
    ownerId: uuid('owner_id'),
    lastActivityAt: ts('last_activity_at'),
    custom: customColumn(),
    ...recordColumns(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.ownerId),
    foreignKey({ columns: [t.workspaceId, t.objectTypeId], foreignColumns: [objectTypes.workspaceId, objectTypes.id] }),
    index('custom_records_type_updated_idx').on(t.workspaceId, t.objectTypeId, t.updatedAt, t.id),
    index('custom_records_type_name_idx').on(t.workspaceId, t.objectTypeId, t.name, t.id),
  ],
);

import { boolean, foreignKey, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { recordColumns, tenantKey } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';

/** A custom field of one object type; its values live in that object's `custom` jsonb under `key`. */
export const fieldDefinitions = pgTable(
  'field_definitions',
  {
    ...tenantKey(),
    objectType: text('object_type').notNull(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type').notNull(),
    options: jsonb('options').$type<string[]>(),
    /** A relation field's target: a built-in object type or a custom object's key. */
    target: text('target'),
    required: boolean('required').notNull().default(false),
    position: integer('position').notNull().default(0),
    ...recordColumns(),
  },
  (t) => [...tenantConstraints(t), uniqueIndex('field_definitions_key').on(t.workspaceId, t.objectType, t.key)],
);

/**
 * The values of a custom field in the trash, taken off the records while it is there (so records
 * read as if the field did not exist) and put back when it is restored; dropped for good with it.
 */
export const customValueArchive = pgTable(
  'custom_value_archive',
  {
    workspaceId: uuid('workspace_id').notNull(),
    fieldId: uuid('field_id').notNull(),
    recordId: uuid('record_id').notNull(),
    value: jsonb('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.fieldId, t.recordId] }),
    foreignKey({ columns: [t.workspaceId, t.fieldId], foreignColumns: [fieldDefinitions.workspaceId, fieldDefinitions.id] }).onDelete(
      'cascade',
    ),
  ],
);

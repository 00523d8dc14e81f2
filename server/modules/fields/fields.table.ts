import { boolean, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
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
    required: boolean('required').notNull().default(false),
    position: integer('position').notNull().default(0),
    ...recordColumns(),
  },
  (t) => [...tenantConstraints(t), uniqueIndex('field_definitions_key').on(t.workspaceId, t.objectType, t.key)],
);

import { jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { recordColumns, tenantKey } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

/** A named filter + sort + columns over one object type, private to its owner or shared. */
export const savedViews = pgTable(
  'saved_views',
  {
    ...tenantKey(),
    objectType: text('object_type').notNull(),
    name: text('name').notNull(),
    filter: jsonb('filter'),
    sort: text('sort'),
    columns: jsonb('columns').$type<string[]>(),
    visibility: text('visibility', { enum: ['private', 'shared'] })
      .notNull()
      .default('private'),
    ownerId: uuid('owner_id').notNull(),
    ...recordColumns(),
  },
  (t) => [...tenantConstraints(t), memberRef(t, t.ownerId)],
);

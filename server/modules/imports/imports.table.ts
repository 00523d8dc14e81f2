import { jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { ImportCounts, ImportRowError } from '../../../contract/imports.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

/**
 * One row per import of a file. A completed import is written in the transaction of its records; a
 * failed one afterwards, alone, so that people see it failed and that nothing of it was kept.
 * `request_id` is the id every history row of the import carries: undoing an import finds its
 * records by it.
 */
export const imports = pgTable(
  'imports',
  {
    ...tenantKey(),
    objectType: text('object_type').notNull(),
    fileName: text('file_name'),
    status: text('status', { enum: ['completed', 'failed'] }).notNull(),
    dedupe: text('dedupe', { enum: ['skip', 'update', 'none'] }).notNull(),
    counts: jsonb('counts').$type<ImportCounts>().notNull(),
    errors: jsonb('errors').$type<ImportRowError[]>().notNull().default([]),
    /** The column → field mapping used and the columns ignored. */
    mapping: jsonb('mapping').$type<{ columns: Record<string, string>; ignoredColumns: string[] }>().notNull(),
    requestId: text('request_id'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
  },
  (t) => [...tenantConstraints(t), memberRef(t, t.createdBy)],
);

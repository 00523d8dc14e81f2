import { foreignKey, index, jsonb, pgTable, primaryKey, real, text, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { recordTypes } from '../../records/object-def.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * Suspected duplicates, one row per pair of records of one type (`a_id` < `b_id`), with how alike
 * they are and why. A pair a person called "not a duplicate" stays, `dismissed`, so that scans do
 * not raise it again; a pair whose record went to the trash (merged, deleted) is hidden, not removed.
 */
export const duplicatePairs = pgTable(
  'duplicate_pairs',
  {
    workspaceId: uuid('workspace_id').notNull(),
    recordType: text('record_type', { enum: recordTypes }).notNull(),
    aId: uuid('a_id').notNull(),
    bId: uuid('b_id').notNull(),
    /** 0–1: 1 for an exact key (email, phone, domain), the trigram similarity of the names otherwise. */
    score: real('score').notNull(),
    /** email | phone | domain | name | company: what made the pair look alike. */
    reasons: text('reasons').array().notNull(),
    status: text('status', { enum: ['open', 'dismissed'] })
      .notNull()
      .default('open'),
    foundAt: ts('found_at').notNull().defaultNow(),
    dismissedBy: uuid('dismissed_by'),
    dismissedAt: ts('dismissed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.recordType, t.aId, t.bId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('duplicate_pairs_queue_idx').on(t.workspaceId, t.status, t.recordType, t.score),
  ],
);

/**
 * A merge, kept so that it can be undone: what each involved row held before (`before`: the
 * records' rows and the link rows the merge moved or dropped, as JSON), and the versions the merge
 * left the records at (an undo after someone edited them since is refused rather than lose the edit).
 */
export const merges = pgTable(
  'merges',
  {
    ...tenantKey(),
    recordType: text('record_type', { enum: recordTypes }).notNull(),
    survivorId: uuid('survivor_id').notNull(),
    mergedIds: uuid('merged_ids').array().notNull(),
    /** Which record each field's value was taken from. */
    fields: jsonb('fields').$type<Record<string, string>>().notNull(),
    before: jsonb('before').$type<unknown>().notNull(),
    /** Record id → the version the merge left it at. */
    versions: jsonb('versions').$type<Record<string, number>>().notNull(),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    undoneAt: ts('undone_at'),
    undoneBy: uuid('undone_by'),
  },
  (t) => [...tenantConstraints(t), index('merges_survivor_idx').on(t.workspaceId, t.recordType, t.survivorId)],
);

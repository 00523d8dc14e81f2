import { foreignKey, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * The search index: the words a record can be found by (name parts, emails, email domains, phone
 * digits, company names), folded to lower case without accents. Kept in the same transaction as
 * every write that changes them, so a record is findable the moment it is saved and gone from
 * search the moment it is in the trash.
 *
 * `term` is COLLATE "C" (set in the migration): byte order, so a prefix query is one range scan of
 * `search_terms_prefix_idx` in index order and stops after a page, however many records match.
 */
export const searchTerms = pgTable(
  'search_terms',
  {
    workspaceId: uuid('workspace_id').notNull(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    /** name | email | domain | phone | company: what the term came from, for ranking and exact lookups (import dedupe). */
    kind: text('kind').notNull(),
    term: text('term').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.recordType, t.recordId, t.kind, t.term] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('search_terms_prefix_idx').on(t.workspaceId, t.term),
  ],
);

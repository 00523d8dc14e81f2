import { sql } from 'drizzle-orm';
import { char, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { ts } from '../../db/columns.ts';

/** The tenant root. Its `id` is the `workspace_id` every other table is keyed by. */
export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  currency: char('currency', { length: 3 }).notNull().default('USD'),
  /** ISO 3166 country whose national phone numbers need no country code ("030 555 0101"); null: every number needs one. */
  country: char('country', { length: 2 }),
  /** The workspace's name in public addresses (the help centre, /help/<slug>); null: none published. Unique across workspaces. */
  slug: text('slug').unique('workspaces_slug_key'),
  version: integer('version').notNull().default(1),
  createdAt: ts('created_at').notNull().default(sql`now()`),
  updatedAt: ts('updated_at').notNull().default(sql`now()`),
});

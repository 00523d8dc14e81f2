import { sql } from 'drizzle-orm';
import { boolean, customType, foreignKey, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';

/** A text-search vector, written with the dictionary of the text's language (knowledge.search.ts). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** A group of articles in the knowledge base and its help centre ("Billing", "Getting started"). */
export const kbCategories = pgTable(
  'kb_categories',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    description: text('description'),
    /** Order in the help centre, smallest first; ties by name. */
    position: integer('position').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [...tenantConstraints(t), uniqueIndex('kb_categories_name_key').on(t.workspaceId, sql`lower(${t.name})`)],
);

/**
 * An article's working copy (what agents edit) and its settings. What the help centre shows is the
 * version `published_version` names in kb_article_versions, so editing never changes a published
 * page until the next publish.
 */
export const kbArticles = pgTable(
  'kb_articles',
  {
    ...tenantKey(),
    categoryId: uuid('category_id'),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    language: text('language').notNull().default('en'),
    /** The text-search dictionary of `language` ('simple' when PostgreSQL has none for it). */
    searchConfig: text('search_config').notNull().default('simple'),
    search: tsvector('search').notNull(),
    /** `public` articles may appear in the help centre; `internal` ones are for members only. */
    visibility: text('visibility').notNull().default('public'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    publishedVersion: integer('published_version'),
    /** The working copy differs from the published version. */
    draftChanges: boolean('draft_changes').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    createdBy: uuid('created_by'),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.categoryId], foreignColumns: [kbCategories.workspaceId, kbCategories.id] }),
    index('kb_articles_category_idx').on(t.workspaceId, t.categoryId),
    index('kb_articles_search_idx').using('gin', t.search),
  ],
);

/** A published snapshot of an article, numbered from 1; kept when the article is unpublished or republished. */
export const kbArticleVersions = pgTable(
  'kb_article_versions',
  {
    workspaceId: uuid('workspace_id').notNull(),
    articleId: uuid('article_id').notNull(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    language: text('language').notNull(),
    searchConfig: text('search_config').notNull(),
    search: tsvector('search').notNull(),
    publishedAt: ts('published_at').notNull().defaultNow(),
    publishedBy: uuid('published_by'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.articleId, t.number] }),
    foreignKey({ columns: [t.workspaceId, t.articleId], foreignColumns: [kbArticles.workspaceId, kbArticles.id] }).onDelete('cascade'),
    index('kb_article_versions_search_idx').using('gin', t.search),
  ],
);

/**
 * A help-centre reader's "was this helpful" answer. `voter` is a hash of the reader's cookie, so one
 * reader holds one vote per article (voting again changes it) and no cookie value is stored.
 */
export const kbArticleVotes = pgTable(
  'kb_article_votes',
  {
    workspaceId: uuid('workspace_id').notNull(),
    articleId: uuid('article_id').notNull(),
    voter: text('voter').notNull(),
    helpful: boolean('helpful').notNull(),
    votedAt: ts('voted_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.articleId, t.voter] }),
    foreignKey({ columns: [t.workspaceId, t.articleId], foreignColumns: [kbArticles.workspaceId, kbArticles.id] }).onDelete('cascade'),
  ],
);

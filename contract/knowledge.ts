import Type, { type Static } from 'typebox';
import { Nullable, ShortText, Timestamp, Uuid, UuidParam, VersionField } from './common.ts';

// The knowledge base (issue 14): articles written by agents, grouped in categories, published as
// numbered versions. Public articles appear in the workspace's help centre; internal ones only to
// members. An article's working copy is its draft; publishing snapshots it as the next version.

export const articleVisibilities = ['public', 'internal'] as const;
export const ArticleVisibility = Type.Enum(articleVisibilities);
export type ArticleVisibility = Static<typeof ArticleVisibility>;

export const articleStatuses = ['draft', 'published'] as const;
export const ArticleStatus = Type.Enum(articleStatuses);

/** A BCP 47 language tag (`en`, `de`, `pt-BR`); its primary subtag picks the search dictionary. */
export const ArticleLanguage = Type.String({ pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$', maxLength: 35 });

const Tag = Type.String({ minLength: 1, maxLength: 50 });
const Tags = Type.Array(Tag, { maxItems: 20 });
/** Markdown; raw HTML in it is shown as text. */
const Body = Type.String({ maxLength: 100_000 });

export const KbCategory = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  position: Type.Integer(),
  version: Type.Integer(),
  /** Articles in the category, published or not. */
  articleCount: Type.Integer(),
});
export type KbCategory = Static<typeof KbCategory>;

export const KbCategoryCreate = Type.Object(
  {
    name: ShortText({ minLength: 1 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type KbCategoryCreate = Static<typeof KbCategoryCreate>;

export const KbCategoryUpdate = Type.Object(
  {
    name: Type.Optional(ShortText({ minLength: 1 })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    version: Type.Optional(VersionField),
  },
  { additionalProperties: false },
);
export type KbCategoryUpdate = Static<typeof KbCategoryUpdate>;

const ArticleMeta = {
  id: Uuid,
  categoryId: Nullable(Uuid),
  /** The working copy's title (the draft, or the published text when there is no newer draft). */
  title: Type.String(),
  language: Type.String(),
  visibility: ArticleVisibility,
  tags: Type.Array(Type.String()),
  status: ArticleStatus,
  /** The version the help centre shows; null while unpublished. */
  publishedVersion: Nullable(Type.Integer()),
  publishedAt: Nullable(Timestamp),
  /** The working copy was edited since the last publish. */
  hasDraftChanges: Type.Boolean(),
  helpfulYes: Type.Integer(),
  helpfulNo: Type.Integer(),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const KbArticleSummary = Type.Object(ArticleMeta);
export type KbArticleSummary = Static<typeof KbArticleSummary>;

export const KbArticle = Type.Object({ ...ArticleMeta, body: Type.String() });
export type KbArticle = Static<typeof KbArticle>;

export const KbArticleCreate = Type.Object(
  {
    title: ShortText({ minLength: 1 }),
    body: Type.Optional(Body),
    language: Type.Optional(ArticleLanguage),
    visibility: Type.Optional(ArticleVisibility),
    categoryId: Type.Optional(Nullable(Uuid)),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type KbArticleCreate = Static<typeof KbArticleCreate>;

export const KbArticleUpdate = Type.Object(
  {
    title: Type.Optional(ShortText({ minLength: 1 })),
    body: Type.Optional(Body),
    language: Type.Optional(ArticleLanguage),
    visibility: Type.Optional(ArticleVisibility),
    categoryId: Type.Optional(Nullable(Uuid)),
    tags: Type.Optional(Tags),
    version: Type.Optional(VersionField),
  },
  { additionalProperties: false },
);
export type KbArticleUpdate = Static<typeof KbArticleUpdate>;

export const KbArticleQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Full-text search in each article’s own language' })),
    categoryId: Type.Optional(UuidParam('Only articles of this category')),
    status: Type.Optional(ArticleStatus),
    visibility: Type.Optional(ArticleVisibility),
    tag: Type.Optional(Tag),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
  },
  { additionalProperties: false },
);
export type KbArticleQuery = Static<typeof KbArticleQuery>;

export const KbArticleVersion = Type.Object({
  number: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  language: Type.String(),
  publishedAt: Timestamp,
  publishedBy: Nullable(Uuid),
});
export type KbArticleVersion = Static<typeof KbArticleVersion>;

export const KbPreview = Type.Object({ body: Body }, { additionalProperties: false });

/** Slugs name a help centre in its public address: /help/<slug>. */
export const HelpCentreSlug = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$', minLength: 1, maxLength: 50 });

export const HelpCentre = Type.Object({
  /** null: the help centre is off. */
  slug: Nullable(Type.String()),
  /** The public address, relative to the server. */
  path: Nullable(Type.String()),
});
export type HelpCentre = Static<typeof HelpCentre>;

export const HelpCentreUpdate = Type.Object({ slug: Nullable(HelpCentreSlug) }, { additionalProperties: false });

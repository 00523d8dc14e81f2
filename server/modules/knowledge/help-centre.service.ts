import { createHash } from 'node:crypto';
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import type { Conn } from '../../db/client.ts';
import { workspaceBySlug } from '../workspaces/workspaces.service.ts';
import { matches, rank } from './knowledge.search.ts';
import { kbArticles, kbArticleVersions, kbArticleVotes, kbCategories } from './knowledge.table.ts';

// What a help-centre reader may see: published versions of public articles of the workspace the
// address names, nothing else. Every query here starts from the workspace the slug resolves to;
// the reader has no session and no workspace of their own.

export interface HelpSite {
  workspaceId: string;
  name: string;
  slug: string;
}

export interface PublicArticle {
  id: string;
  categoryId: string | null;
  title: string;
  body: string;
  language: string;
  publishedAt: Date;
}

export interface PublicCategory {
  id: string;
  name: string;
  description: string | null;
}

export async function helpSite(conn: Conn, slug: string): Promise<HelpSite | undefined> {
  const w = await workspaceBySlug(conn, slug);
  return w && { workspaceId: w.id, name: w.name, slug };
}

const publishedColumns = {
  id: kbArticles.id,
  categoryId: kbArticles.categoryId,
  title: kbArticleVersions.title,
  body: kbArticleVersions.body,
  language: kbArticleVersions.language,
  publishedAt: kbArticleVersions.publishedAt,
};

/** Published public articles of the site, as their published versions show them. */
function published(conn: Conn, site: HelpSite, where: SQL[]) {
  return conn
    .select(publishedColumns)
    .from(kbArticles)
    .innerJoin(
      kbArticleVersions,
      and(
        eq(kbArticleVersions.workspaceId, kbArticles.workspaceId),
        eq(kbArticleVersions.articleId, kbArticles.id),
        eq(kbArticleVersions.number, kbArticles.publishedVersion),
      ),
    )
    .where(
      and(
        eq(kbArticles.workspaceId, site.workspaceId),
        eq(kbArticleVersions.workspaceId, site.workspaceId),
        eq(kbArticles.visibility, 'public'),
        ...where,
      ),
    );
}

export async function publicCategories(conn: Conn, site: HelpSite): Promise<PublicCategory[]> {
  return conn
    .select({ id: kbCategories.id, name: kbCategories.name, description: kbCategories.description })
    .from(kbCategories)
    .where(eq(kbCategories.workspaceId, site.workspaceId))
    .orderBy(asc(kbCategories.position), asc(kbCategories.name));
}

export const publicCategory = async (conn: Conn, site: HelpSite, id: string) =>
  (await publicCategories(conn, site)).find((c) => c.id === id);

/** Every published public article, by title (the home page groups them by category). */
export const publicArticles = (conn: Conn, site: HelpSite): Promise<PublicArticle[]> =>
  published(conn, site, []).orderBy(asc(kbArticleVersions.title)).limit(1000);

export async function publicArticle(conn: Conn, site: HelpSite, id: string): Promise<PublicArticle | undefined> {
  const [a] = await published(conn, site, [eq(kbArticles.id, id)]);
  return a;
}

/** Published public articles matching `q`, each searched in its own language, best first. */
export const searchPublicArticles = (conn: Conn, site: HelpSite, q: string): Promise<PublicArticle[]> =>
  published(conn, site, [matches(kbArticleVersions.search, kbArticleVersions.searchConfig, q)])
    .orderBy(desc(rank(kbArticleVersions.search, kbArticleVersions.searchConfig, q)), asc(kbArticleVersions.title))
    .limit(50);

/** The stored form of a reader's cookie: its hash, so the table holds nothing a reader could replay. */
export const voterOf = (cookie: string) => createHash('sha256').update(cookie).digest('base64url');

/**
 * Records a reader's answer to "was this helpful" on a published public article. One vote per
 * reader and article: answering again replaces the earlier answer. False when the article is not
 * in the help centre.
 */
export async function voteOnArticle(conn: Conn, site: HelpSite, articleId: string, voter: string, helpful: boolean): Promise<boolean> {
  if (!(await publicArticle(conn, site, articleId))) return false;
  await conn
    .insert(kbArticleVotes)
    .values({ workspaceId: site.workspaceId, articleId, voter, helpful })
    .onConflictDoUpdate({
      target: [kbArticleVotes.workspaceId, kbArticleVotes.articleId, kbArticleVotes.voter],
      set: { helpful, votedAt: new Date() },
    });
  return true;
}

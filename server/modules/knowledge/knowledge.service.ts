import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import type {
  HelpCentre,
  KbArticle,
  KbArticleCreate,
  KbArticleQuery,
  KbArticleSummary,
  KbArticleUpdate,
  KbArticleVersion,
  KbCategory,
  KbCategoryCreate,
  KbCategoryUpdate,
} from '../../../contract/knowledge.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, notFound } from '../../http/errors.ts';
import { checkVersion } from '../../records/crud.ts';
import { setWorkspaceSlug, workspaceSlug } from '../workspaces/workspaces.service.ts';
import { matches, rank, searchConfigOf, searchVector } from './knowledge.search.ts';
import { kbArticles, kbArticleVersions, kbArticleVotes, kbCategories } from './knowledge.table.ts';

type ArticleRow = typeof kbArticles.$inferSelect;
type CategoryRow = typeof kbCategories.$inferSelect;

// ---- Categories ----

const toCategory = (r: CategoryRow, articleCount: number): KbCategory => ({
  id: r.id,
  name: r.name,
  description: r.description,
  position: r.position,
  version: r.version,
  articleCount,
});

const inWorkspace = (ctx: Pick<Ctx, 'workspaceId'>) => eq(kbCategories.workspaceId, ctx.workspaceId);

export async function listCategories(conn: Conn, ctx: Ctx): Promise<KbCategory[]> {
  const counts = conn
    .select({ categoryId: kbArticles.categoryId, n: sql<number>`count(*)::int`.as('n') })
    .from(kbArticles)
    .where(eq(kbArticles.workspaceId, ctx.workspaceId))
    .groupBy(kbArticles.categoryId)
    .as('counts');
  const rows = await conn
    .select({ c: kbCategories, n: counts.n })
    .from(kbCategories)
    .leftJoin(counts, eq(counts.categoryId, kbCategories.id))
    .where(inWorkspace(ctx))
    .orderBy(asc(kbCategories.position), asc(kbCategories.name));
  return rows.map((r) => toCategory(r.c, Number(r.n ?? 0)));
}

async function findCategory(conn: Conn, ctx: Ctx, id: string, lock = false) {
  const q = conn
    .select()
    .from(kbCategories)
    .where(and(inWorkspace(ctx), eq(kbCategories.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Category');
  return row;
}

const nameTaken = () =>
  new AppError(409, 'name_taken', 'A category with this name exists', [{ field: 'body.name', code: 'taken', message: 'is taken' }]);

async function checkNameFree(conn: Conn, ctx: Ctx, name: string, exceptId?: string) {
  const [other] = await conn
    .select({ id: kbCategories.id })
    .from(kbCategories)
    .where(and(inWorkspace(ctx), sql`lower(${kbCategories.name}) = lower(${name})`));
  if (other && other.id !== exceptId) throw nameTaken();
}

export async function createCategory(conn: Conn, ctx: Ctx, input: KbCategoryCreate): Promise<KbCategory> {
  await checkNameFree(conn, ctx, input.name);
  const [row] = await conn
    .insert(kbCategories)
    .values({
      workspaceId: ctx.workspaceId,
      id: randomUUID(),
      name: input.name,
      description: input.description ?? null,
      position: input.position ?? 0,
    })
    .returning();
  return toCategory(row, 0);
}

export async function updateCategory(conn: Conn, ctx: Ctx, id: string, version: number | undefined, input: KbCategoryUpdate) {
  const row = await findCategory(conn, ctx, id, true);
  checkVersion('Category', { version: row.version, deletedAt: null }, version);
  if (input.name !== undefined) await checkNameFree(conn, ctx, input.name, id);
  await conn
    .update(kbCategories)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.position !== undefined && { position: input.position }),
      version: sql`${kbCategories.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(inWorkspace(ctx), eq(kbCategories.id, id)));
  const [after] = (await listCategories(conn, ctx)).filter((c) => c.id === id);
  return after;
}

/** Deletes a category; its articles stay, without a category. */
export async function deleteCategory(conn: Conn, ctx: Ctx, id: string): Promise<void> {
  await findCategory(conn, ctx, id, true);
  await conn
    .update(kbArticles)
    .set({ categoryId: null })
    .where(and(eq(kbArticles.workspaceId, ctx.workspaceId), eq(kbArticles.categoryId, id)));
  await conn.delete(kbCategories).where(and(inWorkspace(ctx), eq(kbCategories.id, id)));
}

// ---- Articles ----

/** Yes and no votes per article, as a subquery joined by article id. */
const voteCounts = (ctx: Pick<Ctx, 'workspaceId'>) =>
  sql`(select article_id, count(*) filter (where helpful)::int as yes, count(*) filter (where not helpful)::int as no
       from ${kbArticleVotes} where workspace_id = ${ctx.workspaceId} group by article_id)`;

const summaryColumns = {
  a: kbArticles,
  publishedAt: kbArticleVersions.publishedAt,
  yes: sql<number | null>`v.yes`,
  no: sql<number | null>`v.no`,
};

function toSummary(r: { a: ArticleRow; publishedAt: Date | null; yes: number | null; no: number | null }): KbArticleSummary {
  const a = r.a;
  return {
    id: a.id,
    categoryId: a.categoryId,
    title: a.title,
    language: a.language,
    visibility: a.visibility as KbArticleSummary['visibility'],
    tags: a.tags,
    status: a.publishedVersion === null ? 'draft' : 'published',
    publishedVersion: a.publishedVersion,
    publishedAt: r.publishedAt?.toISOString() ?? null,
    hasDraftChanges: a.draftChanges,
    helpfulYes: Number(r.yes ?? 0),
    helpfulNo: Number(r.no ?? 0),
    version: a.version,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

function selectArticles(conn: Conn, ctx: Pick<Ctx, 'workspaceId'>, where: SQL[]) {
  return conn
    .select(summaryColumns)
    .from(kbArticles)
    .leftJoin(
      kbArticleVersions,
      and(
        eq(kbArticleVersions.workspaceId, kbArticles.workspaceId),
        eq(kbArticleVersions.articleId, kbArticles.id),
        eq(kbArticleVersions.number, kbArticles.publishedVersion),
      ),
    )
    .leftJoin(sql`${voteCounts(ctx)} as v`, sql`v.article_id = ${kbArticles.id}`)
    .where(and(eq(kbArticles.workspaceId, ctx.workspaceId), ...where));
}

/**
 * Articles for members, internal ones included. `q` searches the working copies, each in its own
 * language, best match first; without it, the most recently changed first.
 */
export async function listArticles(conn: Conn, ctx: Ctx, query: KbArticleQuery): Promise<KbArticleSummary[]> {
  const where: SQL[] = [];
  if (query.categoryId) where.push(eq(kbArticles.categoryId, query.categoryId));
  if (query.visibility) where.push(eq(kbArticles.visibility, query.visibility));
  if (query.status === 'draft') where.push(sql`${kbArticles.publishedVersion} is null`);
  if (query.status === 'published') where.push(sql`${kbArticles.publishedVersion} is not null`);
  if (query.tag) where.push(sql`${query.tag} = any(${kbArticles.tags})`);
  const q = query.q?.trim();
  if (q) where.push(matches(kbArticles.search, kbArticles.searchConfig, q));
  const order = q
    ? [desc(rank(kbArticles.search, kbArticles.searchConfig, q)), desc(kbArticles.updatedAt)]
    : [desc(kbArticles.updatedAt), asc(kbArticles.id)];
  const rows = await selectArticles(conn, ctx, where)
    .orderBy(...order)
    .limit(query.limit ?? 100);
  return rows.map(toSummary);
}

export async function getArticle(conn: Conn, ctx: Ctx, id: string): Promise<KbArticle> {
  const [r] = await selectArticles(conn, ctx, [eq(kbArticles.id, id)]);
  if (!r) throw notFound('Article');
  return { ...toSummary(r), body: r.a.body };
}

async function findArticle(conn: Conn, ctx: Ctx, id: string) {
  const [row] = await conn
    .select()
    .from(kbArticles)
    .where(and(eq(kbArticles.workspaceId, ctx.workspaceId), eq(kbArticles.id, id)))
    .for('update');
  if (!row) throw notFound('Article');
  return row;
}

/** A category named by a write must be this workspace's: another's reads as absent (422, not a leak). */
async function checkCategory(conn: Conn, ctx: Ctx, categoryId: string | null | undefined) {
  if (!categoryId) return;
  const [c] = await conn
    .select({ id: kbCategories.id })
    .from(kbCategories)
    .where(and(inWorkspace(ctx), eq(kbCategories.id, categoryId)));
  if (!c)
    throw new AppError(422, 'invalid_fields', 'No such category', [
      { field: 'body.categoryId', code: 'not_found', message: 'names no category' },
    ]);
}

const uniqueTags = (tags: string[]) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))];

export async function createArticle(conn: Conn, ctx: Ctx, input: KbArticleCreate): Promise<KbArticle> {
  await checkCategory(conn, ctx, input.categoryId);
  const language = input.language ?? 'en';
  const config = searchConfigOf(language);
  const body = input.body ?? '';
  const id = randomUUID();
  await conn.insert(kbArticles).values({
    workspaceId: ctx.workspaceId,
    id,
    categoryId: input.categoryId ?? null,
    title: input.title,
    body,
    language,
    searchConfig: config,
    search: searchVector(config, input.title, body) as never,
    visibility: input.visibility ?? 'public',
    tags: uniqueTags(input.tags ?? []),
    createdBy: ctx.actor.type === 'member' ? ctx.memberId : null,
  });
  return getArticle(conn, ctx, id);
}

/**
 * Edits the working copy. A published article keeps showing its published version until the next
 * publish; `hasDraftChanges` tells there is one waiting. Visibility, category and tags are settings
 * of the article and apply at once (making an article internal takes it out of the help centre now).
 */
export async function updateArticle(conn: Conn, ctx: Ctx, id: string, version: number, input: KbArticleUpdate): Promise<KbArticle> {
  const row = await findArticle(conn, ctx, id);
  checkVersion('Article', { version: row.version, deletedAt: null }, version);
  await checkCategory(conn, ctx, input.categoryId);
  const title = input.title ?? row.title;
  const body = input.body ?? row.body;
  const language = input.language ?? row.language;
  const textChanged = title !== row.title || body !== row.body || language !== row.language;
  const config = searchConfigOf(language);
  await conn
    .update(kbArticles)
    .set({
      title,
      body,
      language,
      searchConfig: config,
      search: searchVector(config, title, body) as never,
      ...(input.visibility !== undefined && { visibility: input.visibility }),
      ...(input.categoryId !== undefined && { categoryId: input.categoryId }),
      ...(input.tags !== undefined && { tags: uniqueTags(input.tags) }),
      draftChanges: row.draftChanges || textChanged,
      version: sql`${kbArticles.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(kbArticles.workspaceId, ctx.workspaceId), eq(kbArticles.id, id)));
  return getArticle(conn, ctx, id);
}

/** Snapshots the working copy as the next version and shows it in the help centre (public articles). */
export async function publishArticle(conn: Conn, ctx: Ctx, id: string, version: number | undefined): Promise<KbArticle> {
  const row = await findArticle(conn, ctx, id);
  checkVersion('Article', { version: row.version, deletedAt: null }, version);
  if (row.publishedVersion !== null && !row.draftChanges) {
    throw conflict('already_published', 'This article has no changes since its last publish');
  }
  const [{ next }] = await conn
    .select({ next: sql<number>`coalesce(max(${kbArticleVersions.number}), 0)::int + 1` })
    .from(kbArticleVersions)
    .where(and(eq(kbArticleVersions.workspaceId, ctx.workspaceId), eq(kbArticleVersions.articleId, id)));
  // The working copy's vector copied as it is, not its text form read back; by INSERT … SELECT,
  // since Citus refuses a subquery inside an INSERT's VALUES.
  await conn.execute(sql`insert into kb_article_versions
      (workspace_id, article_id, number, title, body, language, search_config, search, published_by)
    select a.workspace_id, a.id, ${Number(next)}, a.title, a.body, a.language, a.search_config, a.search,
      ${ctx.actor.type === 'member' ? ctx.memberId : null}::uuid
    from kb_articles a where a.workspace_id = ${ctx.workspaceId} and a.id = ${id}`);
  await conn
    .update(kbArticles)
    .set({ publishedVersion: Number(next), draftChanges: false, version: sql`${kbArticles.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(kbArticles.workspaceId, ctx.workspaceId), eq(kbArticles.id, id)));
  return getArticle(conn, ctx, id);
}

/** Takes an article out of the help centre; its versions stay, and the working copy becomes a draft again. */
export async function unpublishArticle(conn: Conn, ctx: Ctx, id: string, version: number | undefined): Promise<KbArticle> {
  const row = await findArticle(conn, ctx, id);
  checkVersion('Article', { version: row.version, deletedAt: null }, version);
  if (row.publishedVersion === null) throw conflict('not_published', 'This article is not published');
  await conn
    .update(kbArticles)
    .set({ publishedVersion: null, draftChanges: true, version: sql`${kbArticles.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(kbArticles.workspaceId, ctx.workspaceId), eq(kbArticles.id, id)));
  return getArticle(conn, ctx, id);
}

/** Deletes an article for good, with its versions and votes. */
export async function deleteArticle(conn: Conn, ctx: Ctx, id: string, version: number | undefined): Promise<void> {
  const row = await findArticle(conn, ctx, id);
  checkVersion('Article', { version: row.version, deletedAt: null }, version);
  await conn.delete(kbArticles).where(and(eq(kbArticles.workspaceId, ctx.workspaceId), eq(kbArticles.id, id)));
}

/** An article's published versions, newest first. */
export async function listVersions(conn: Conn, ctx: Ctx, id: string): Promise<KbArticleVersion[]> {
  await getArticle(conn, ctx, id);
  const rows = await conn
    .select()
    .from(kbArticleVersions)
    .where(and(eq(kbArticleVersions.workspaceId, ctx.workspaceId), eq(kbArticleVersions.articleId, id)))
    .orderBy(desc(kbArticleVersions.number));
  return rows.map((v) => ({
    number: v.number,
    title: v.title,
    body: v.body,
    language: v.language,
    publishedAt: v.publishedAt.toISOString(),
    publishedBy: v.publishedBy,
  }));
}

// ---- The help centre's address ----

const helpCentreOf = (slug: string | null): HelpCentre => ({ slug, path: slug ? `/help/${slug}` : null });

export const getHelpCentre = async (conn: Conn, ctx: Ctx) => helpCentreOf(await workspaceSlug(conn, ctx));

/** Turns the help centre on at /help/<slug>, moves it, or (null) turns it off. */
export async function setHelpCentre(conn: Conn, ctx: Ctx, slug: string | null): Promise<HelpCentre> {
  await setWorkspaceSlug(conn, ctx, slug);
  return helpCentreOf(slug);
}

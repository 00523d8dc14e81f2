import { useQuery } from '@tanstack/react-query';
import { api, type GetResult, unwrap } from '../../api.ts';

// The knowledge base through the API: articles (summaries, one with its body, its versions),
// categories and the help centre's public address. Every key starts with 'knowledge'.

export type KbArticleSummary = GetResult<'/api/v1/knowledge/articles'>['data'][number];
export type KbArticle = GetResult<'/api/v1/knowledge/articles/{id}'>;
export type KbCategory = GetResult<'/api/v1/knowledge/categories'>['data'][number];
export type KbVersion = GetResult<'/api/v1/knowledge/articles/{id}/versions'>['data'][number];

export const knowledgeKeys = {
  all: ['knowledge'] as const,
  articles: (q: string) => ['knowledge', 'articles', q] as const,
  article: (id: string) => ['knowledge', 'article', id] as const,
  versions: (id: string) => ['knowledge', 'versions', id] as const,
  categories: ['knowledge', 'categories'] as const,
  helpCentre: ['knowledge', 'help-centre'] as const,
};

export const useArticles = (q: string) =>
  useQuery({
    queryKey: knowledgeKeys.articles(q),
    queryFn: async () => unwrap(await api.GET('/api/v1/knowledge/articles', { params: { query: q ? { q } : {} } })).data,
  });

export const useArticle = (id: string) =>
  useQuery({
    queryKey: knowledgeKeys.article(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/knowledge/articles/{id}', { params: { path: { id } } })),
  });

export const useVersions = (id: string) =>
  useQuery({
    queryKey: knowledgeKeys.versions(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/knowledge/articles/{id}/versions', { params: { path: { id } } })).data,
  });

export const useCategories = () =>
  useQuery({
    queryKey: knowledgeKeys.categories,
    queryFn: async () => unwrap(await api.GET('/api/v1/knowledge/categories')).data,
  });

export const useHelpCentre = () =>
  useQuery({
    queryKey: knowledgeKeys.helpCentre,
    queryFn: async () => unwrap(await api.GET('/api/v1/knowledge/help-centre')),
  });

export async function createArticle(title: string) {
  return unwrap(await api.POST('/api/v1/knowledge/articles', { body: { title } }));
}

export type ArticleChanges = {
  title?: string;
  body?: string;
  language?: string;
  visibility?: 'public' | 'internal';
  categoryId?: string | null;
  tags?: string[];
};

export async function saveArticle(id: string, version: number, changes: ArticleChanges) {
  return unwrap(await api.PATCH('/api/v1/knowledge/articles/{id}', { params: { path: { id } }, body: { ...changes, version } }));
}

export async function publishArticle(id: string, version: number) {
  return unwrap(
    await api.POST('/api/v1/knowledge/articles/{id}/publish', { params: { path: { id } }, headers: { 'if-match': `"${version}"` } }),
  );
}

export async function unpublishArticle(id: string, version: number) {
  return unwrap(
    await api.POST('/api/v1/knowledge/articles/{id}/unpublish', { params: { path: { id } }, headers: { 'if-match': `"${version}"` } }),
  );
}

export async function deleteArticle(id: string) {
  unwrap(await api.DELETE('/api/v1/knowledge/articles/{id}', { params: { path: { id } } }));
}

export async function createCategory(name: string) {
  return unwrap(await api.POST('/api/v1/knowledge/categories', { body: { name } }));
}

export async function previewMarkdown(body: string) {
  return unwrap(await api.POST('/api/v1/knowledge/preview', { body: { body } })).html;
}

export async function setHelpCentre(slug: string | null) {
  return unwrap(await api.PUT('/api/v1/knowledge/help-centre', { body: { slug } }));
}

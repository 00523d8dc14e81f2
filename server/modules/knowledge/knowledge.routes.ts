import Type from 'typebox';
import { IdParams, Problem } from '../../../contract/common.ts';
import {
  HelpCentre,
  HelpCentreUpdate,
  KbArticle,
  KbArticleCreate,
  KbArticleQuery,
  KbArticleSummary,
  KbArticleUpdate,
  KbArticleVersion,
  KbCategory,
  KbCategoryCreate,
  KbCategoryUpdate,
  KbPreview,
} from '../../../contract/knowledge.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, expectedVersion } from '../../records/routes.ts';
import { renderMarkdown } from './knowledge.render.ts';
import * as kb from './knowledge.service.ts';

export async function knowledgeRoutes(app: App) {
  const tags = ['Knowledge base'];

  app.get('/knowledge/categories', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Article categories, in help-centre order',
      response: { 200: Type.Object({ data: Type.Array(KbCategory) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await kb.listCategories(app.db, req.ctx) }),
  });
  app.post('/knowledge/categories', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Add a category',
      description: 'Names are unique in the workspace without regard to case (409 naming `body.name`).',
      body: KbCategoryCreate,
      response: { 201: KbCategory, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await app.db.transaction((tx) => kb.createCategory(tx, req.ctx, req.body))),
  });
  app.patch('/knowledge/categories/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Rename, describe or move a category',
      params: IdParams,
      body: KbCategoryUpdate,
      response: { 200: KbCategory, ...errorResponses },
    },
    handler: async (req) =>
      app.db.transaction((tx) => kb.updateCategory(tx, req.ctx, req.params.id, expectedVersion(req, req.body.version, false), req.body)),
  });
  app.delete('/knowledge/categories/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Delete a category (its articles stay, without one)',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await app.db.transaction((tx) => kb.deleteCategory(tx, req.ctx, req.params.id));
      return reply.status(204).send(null);
    },
  });

  app.get('/knowledge/articles', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Articles, internal ones included',
      description:
        '`q` searches titles and bodies, each article in its own language (stemmed where PostgreSQL has a dictionary for it), best match first.',
      querystring: KbArticleQuery,
      response: { 200: Type.Object({ data: Type.Array(KbArticleSummary) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await kb.listArticles(app.db, req.ctx, req.query) }),
  });
  app.post('/knowledge/articles', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Write an article (a draft until published)',
      body: KbArticleCreate,
      response: { 201: KbArticle, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await app.db.transaction((tx) => kb.createArticle(tx, req.ctx, req.body))),
  });
  app.get('/knowledge/articles/:id', {
    config: { permission: 'read' },
    schema: { tags, summary: 'One article with its working copy', params: IdParams, response: { 200: KbArticle, ...errorResponses } },
    handler: async (req) => kb.getArticle(app.db, req.ctx, req.params.id),
  });
  app.patch('/knowledge/articles/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Edit an article',
      description:
        'Changes the working copy; the help centre keeps the published version until the next publish. Visibility, category and tags apply at once.',
      params: IdParams,
      body: KbArticleUpdate,
      response: { 200: KbArticle, 428: Problem, ...errorResponses },
    },
    handler: async (req) =>
      app.db.transaction((tx) => kb.updateArticle(tx, req.ctx, req.params.id, expectedVersion(req, req.body.version, true), req.body)),
  });
  app.post('/knowledge/articles/:id/publish', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Publish the working copy as the next version',
      description: '409 when nothing changed since the last publish. Send `If-Match` with the version read to publish only what you saw.',
      params: IdParams,
      response: { 200: KbArticle, ...errorResponses },
    },
    handler: async (req) =>
      app.db.transaction((tx) => kb.publishArticle(tx, req.ctx, req.params.id, expectedVersion(req, undefined, false))),
  });
  app.post('/knowledge/articles/:id/unpublish', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Take an article out of the help centre',
      params: IdParams,
      response: { 200: KbArticle, ...errorResponses },
    },
    handler: async (req) =>
      app.db.transaction((tx) => kb.unpublishArticle(tx, req.ctx, req.params.id, expectedVersion(req, undefined, false))),
  });
  app.delete('/knowledge/articles/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Delete an article with its versions and votes',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await app.db.transaction((tx) => kb.deleteArticle(tx, req.ctx, req.params.id, expectedVersion(req, undefined, false)));
      return reply.status(204).send(null);
    },
  });
  app.get('/knowledge/articles/:id/versions', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: "An article's published versions, newest first",
      params: IdParams,
      response: { 200: Type.Object({ data: Type.Array(KbArticleVersion) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await kb.listVersions(app.db, req.ctx, req.params.id) }),
  });
  app.post('/knowledge/preview', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Markdown as the help centre renders it',
      description: 'HTML with raw HTML in the source escaped; for the editor’s preview, shown in a sandboxed frame.',
      body: KbPreview,
      response: { 200: Type.Object({ html: Type.String() }), ...errorResponses },
    },
    handler: async (req) => ({ html: renderMarkdown(req.body.body) }),
  });

  app.get('/knowledge/help-centre', {
    config: { permission: 'read' },
    schema: { tags, summary: "The public help centre's address", response: { 200: HelpCentre, ...errorResponses } },
    handler: async (req) => kb.getHelpCentre(app.db, req.ctx),
  });
  app.put('/knowledge/help-centre', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Turn the help centre on at /help/<slug>, move it, or turn it off (null)',
      description: 'Slugs are unique across workspaces: one in use elsewhere is a 409 naming `body.slug`.',
      body: HelpCentreUpdate,
      response: { 200: HelpCentre, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => kb.setHelpCentre(tx, req.ctx, req.body.slug)),
  });
}

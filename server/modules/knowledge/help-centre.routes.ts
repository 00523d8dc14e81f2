import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { HelpCentreSlug } from '../../../contract/knowledge.ts';
import type { App } from '../../http/typed-app.ts';
import { articlePage, categoryPage, homePage, notFoundPage, searchPage } from './help-centre.html.ts';
import {
  type HelpSite,
  helpSite,
  publicArticle,
  publicArticles,
  publicCategories,
  publicCategory,
  searchPublicArticles,
  voteOnArticle,
  voterOf,
} from './help-centre.service.ts';

const SiteParams = Type.Object({ slug: HelpCentreSlug }, { additionalProperties: false });
const CategoryParams = Type.Object({ slug: HelpCentreSlug, id: Uuid }, { additionalProperties: false });
const ArticleParams = Type.Object({ slug: HelpCentreSlug, id: Uuid }, { additionalProperties: false });
const SearchQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
const ArticleQuery = Type.Object({ voted: Type.Optional(Type.Literal('1')) }, { additionalProperties: false });
const VoteBody = Type.Object({ helpful: Type.Union([Type.Literal('yes'), Type.Literal('no')]) }, { additionalProperties: false });

/** The reader's voting cookie: random, scoped to the help centre, never sent to the API. */
const VOTER_COOKIE = 'rapport_help_voter';

/**
 * The public help centre of a workspace, outside /api: server-rendered pages for readers without an
 * account, at /help/<workspace slug>. Only published versions of public articles are shown; any other
 * address, a draft and an internal article alike, is the same 404 page.
 */
export async function helpCentreRoutes(app: App) {
  // A vote comes from a plain HTML form, which posts url-encoded.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  const html = (reply: FastifyReply, status: number, text: string) =>
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      // Pages change when an article is published; a minute of caching keeps them fast and fresh enough.
      .header('cache-control', status === 200 ? 'public, max-age=60' : 'no-store')
      .send(text);

  const withSite = async (reply: FastifyReply, slug: string, render: (site: HelpSite) => Promise<string | undefined>) => {
    const site = await helpSite(app.db, slug);
    const text = site && (await render(site));
    return text === undefined ? html(reply, 404, notFoundPage(site)) : html(reply, 200, text);
  };

  app.get('/help/:slug', {
    config: { permission: 'public' },
    schema: { hide: true, params: SiteParams },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) =>
        homePage(site, await publicCategories(app.db, site), await publicArticles(app.db, site)),
      ),
  });

  app.get('/help/:slug/search', {
    config: { permission: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: { hide: true, params: SiteParams, querystring: SearchQuery },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) => {
        const q = req.query.q?.trim() ?? '';
        return searchPage(site, q, q ? await searchPublicArticles(app.db, site, q) : []);
      }),
  });

  app.get('/help/:slug/categories/:id', {
    config: { permission: 'public' },
    schema: { hide: true, params: CategoryParams },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) => {
        const category = await publicCategory(app.db, site, req.params.id);
        if (!category) return undefined;
        const articles = (await publicArticles(app.db, site)).filter((a) => a.categoryId === category.id);
        return categoryPage(site, category, articles);
      }),
  });

  app.get('/help/:slug/articles/:id', {
    config: { permission: 'public' },
    schema: { hide: true, params: ArticleParams, querystring: ArticleQuery },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) => {
        const article = await publicArticle(app.db, site, req.params.id);
        if (!article) return undefined;
        const category = article.categoryId ? await publicCategory(app.db, site, article.categoryId) : undefined;
        return articlePage(site, article, category, req.query.voted === '1');
      }),
  });

  app.post('/help/:slug/articles/:id/vote', {
    // Per address: a reader votes a few times; a script voting in bulk is stopped here.
    config: { permission: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: { hide: true, params: ArticleParams, body: VoteBody },
    handler: async (req, reply) => {
      // Another site's page may not vote for its visitors (it cannot read the answer, but it could stuff counts).
      if (req.headers['sec-fetch-site'] === 'cross-site') return html(reply, 403, notFoundPage(undefined));
      const site = await helpSite(app.db, req.params.slug);
      let cookie = req.cookies[VOTER_COOKIE];
      if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) {
        cookie = randomBytes(32).toString('base64url');
        reply.setCookie(VOTER_COOKIE, cookie, {
          httpOnly: true,
          secure: app.config.baseUrl.startsWith('https://'),
          sameSite: 'lax',
          path: '/help',
          maxAge: 365 * 24 * 3600,
        });
      }
      const done =
        site && (await app.db.transaction((tx) => voteOnArticle(tx, site, req.params.id, voterOf(cookie), req.body.helpful === 'yes')));
      if (!site || !done) return html(reply, 404, notFoundPage(site));
      // Post/redirect/get: reloading the thank-you page does not post again.
      return reply
        .header('cache-control', 'no-store')
        .redirect(`/help/${encodeURIComponent(site.slug)}/articles/${req.params.id}?voted=1`, 303);
    },
  });
}

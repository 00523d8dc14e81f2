import type { HelpSite, PublicArticle, PublicCategory } from './help-centre.service.ts';
import { escapeHtml as e, excerpt, renderMarkdown } from './knowledge.render.ts';

// The help centre's pages: plain HTML with landmarks, headings in order, a search form and no
// script, so they read the same without JavaScript, with a screen reader and to a search engine.
// Every piece of workspace text passes through `e` (escaped) or renderMarkdown (raw HTML escaped).

const style = `
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1b1e;background:#f8f9fa}
a{color:#1864ab}a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #1c7ed6;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
header{background:#1864ab;color:#fff;padding:1rem}header a{color:#fff;text-decoration:none;font-weight:700;font-size:1.25rem}
main{max-width:48rem;margin:0 auto;padding:1rem 1rem 3rem;background:#fff}
form[role=search]{display:flex;gap:.5rem;margin:1rem 0}input[type=search]{flex:1;padding:.5rem;font:inherit;border:1px solid #868e96;border-radius:4px}
button{padding:.5rem 1rem;font:inherit;border:1px solid #1864ab;background:#1864ab;color:#fff;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#1864ab}
ul.articles{list-style:none;padding:0}ul.articles li{margin:.75rem 0}ul.articles p{margin:.25rem 0;color:#495057}
article pre{overflow:auto;background:#f1f3f5;padding:.75rem}article code{background:#f1f3f5}
article img{max-width:100%}.meta{color:#495057;font-size:.875rem}
footer{text-align:center;color:#495057;font-size:.875rem;padding:1rem}
.vote{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;border-top:1px solid #dee2e6;margin-top:2rem;padding-top:1rem}
`;

interface Page {
  site: HelpSite;
  title: string;
  /** The page's language: an article's own; the help centre's chrome is English until it is translated. */
  lang?: string;
  q?: string;
  body: string;
  /** Styles of pages built on this one (the customer portal's forms). */
  css?: string;
}

export const base = (site: HelpSite) => `/help/${encodeURIComponent(site.slug)}`;
const articleHref = (site: HelpSite, a: { id: string }) => `${base(site)}/articles/${a.id}`;

export function page(p: Page) {
  return `<!doctype html>
<html lang="${e(p.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(p.title)} · ${e(p.site.name)}</title>
<style>${style}${p.css ?? ''}</style>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header><a href="${base(p.site)}">${e(p.site.name)} help centre</a></header>
<main id="content">
<form role="search" method="get" action="${base(p.site)}/search">
<label for="q" class="skip">Search the help centre</label>
<input type="search" id="q" name="q" value="${e(p.q ?? '')}" placeholder="Search the help centre" maxlength="200">
<button type="submit">Search</button>
</form>
${p.body}
</main>
<footer>${e(p.site.name)}</footer>
</body>
</html>`;
}

function articleList(site: HelpSite, articles: PublicArticle[]) {
  if (!articles.length) return '<p>No articles yet.</p>';
  const items = articles.map(
    (a) => `<li lang="${e(a.language)}"><a href="${articleHref(site, a)}">${e(a.title)}</a><p>${e(excerpt(a.body))}</p></li>`,
  );
  return `<ul class="articles">${items.join('')}</ul>`;
}

export function homePage(site: HelpSite, categories: PublicCategory[], articles: PublicArticle[]) {
  const sections = categories
    .map((c) => ({ c, list: articles.filter((a) => a.categoryId === c.id) }))
    .filter((s) => s.list.length)
    .map(
      (s) => `<section aria-labelledby="c-${s.c.id}">
<h2 id="c-${s.c.id}"><a href="${base(site)}/categories/${s.c.id}">${e(s.c.name)}</a></h2>
${s.c.description ? `<p>${e(s.c.description)}</p>` : ''}${articleList(site, s.list)}</section>`,
    );
  const known = new Set(categories.map((c) => c.id));
  const other = articles.filter((a) => !a.categoryId || !known.has(a.categoryId));
  if (other.length)
    sections.push(`<section aria-labelledby="c-other"><h2 id="c-other">More articles</h2>${articleList(site, other)}</section>`);
  return page({
    site,
    title: 'Help centre',
    body: `<h1>How can we help?</h1>${sections.join('\n') || '<p>No articles yet.</p>'}`,
  });
}

export function categoryPage(site: HelpSite, category: PublicCategory, articles: PublicArticle[]) {
  return page({
    site,
    title: category.name,
    body: `<nav aria-label="Breadcrumb"><a href="${base(site)}">Help centre</a></nav>
<h1>${e(category.name)}</h1>${category.description ? `<p>${e(category.description)}</p>` : ''}${articleList(site, articles)}`,
  });
}

export function searchPage(site: HelpSite, q: string, articles: PublicArticle[]) {
  const heading = q ? `Results for “${e(q)}”` : 'Search';
  const results = q ? (articles.length ? articleList(site, articles) : '<p>No article matches your search.</p>') : '';
  return page({ site, title: q ? `Search: ${q}` : 'Search', q, body: `<h1>${heading}</h1>${results}` });
}

export function articlePage(site: HelpSite, article: PublicArticle, category: PublicCategory | undefined, voted: boolean) {
  const crumbs = `<a href="${base(site)}">Help centre</a>${category ? ` › <a href="${base(site)}/categories/${category.id}">${e(category.name)}</a>` : ''}`;
  const vote = voted
    ? '<p role="status">Thank you for your feedback.</p>'
    : `<form method="post" action="${articleHref(site, article)}/vote" class="vote">
<span id="vote-q">Was this article helpful?</span>
<button type="submit" name="helpful" value="yes" aria-describedby="vote-q">Yes</button>
<button type="submit" name="helpful" value="no" class="secondary" aria-describedby="vote-q">No</button>
</form>`;
  return page({
    site,
    title: article.title,
    lang: article.language,
    body: `<nav aria-label="Breadcrumb">${crumbs}</nav>
<article>
<h1>${e(article.title)}</h1>
<p class="meta">Updated <time datetime="${article.publishedAt.toISOString()}">${article.publishedAt.toISOString().slice(0, 10)}</time></p>
${renderMarkdown(article.body)}
</article>
<aside aria-label="Feedback">${vote}</aside>`,
  });
}

export function notFoundPage(site: HelpSite | undefined) {
  const body = '<h1>Page not found</h1><p>This page does not exist or is no longer published.</p>';
  if (site) return page({ site, title: 'Not found', body: `${body}<p><a href="${base(site)}">Back to the help centre</a></p>` });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><main>${body}</main></body></html>`;
}

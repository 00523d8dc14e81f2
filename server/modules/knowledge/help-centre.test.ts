import { describe, expect, it } from 'vitest';
import { api, type Session, signUp, testApp } from '../../test/harness.ts';

// The public help centre read as a visitor would: no credentials, HTML pages. Only published
// versions of public articles of the workspace the slug names; everything escaped.

let seq = 0;
async function helpCentre(s: Session) {
  const slug = `help-${Date.now().toString(36)}-${++seq}`;
  const r = await api(s).put('/knowledge/help-centre', { slug });
  expect(r.statusCode, r.body).toBe(200);
  return slug;
}

async function article(s: Session, input: Record<string, unknown>, publish = true) {
  const r = await api(s).post('/knowledge/articles', input);
  expect(r.statusCode, r.body).toBe(201);
  const a = r.json() as { id: string; version: number };
  if (publish) expect((await api(s).post(`/knowledge/articles/${a.id}/publish`)).statusCode).toBe(200);
  return a.id;
}

const visit = async (url: string, headers: Record<string, string> = {}) => (await testApp()).inject({ method: 'GET', url, headers });

const vote = async (slug: string, id: string, helpful: 'yes' | 'no', cookie?: string) =>
  (await testApp()).inject({
    method: 'POST',
    url: `/help/${slug}/articles/${id}/vote`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie && { cookie }) },
    payload: `helpful=${helpful}`,
  });

const counts = async (s: Session, id: string) => {
  const a = (await api(s).get(`/knowledge/articles/${id}`)).json();
  return [a.helpfulYes, a.helpfulNo];
};

describe('public help centre', () => {
  it('renders published public articles as accessible HTML with everything escaped', async () => {
    const s = await signUp({ workspaceName: 'Acme <b>Support</b>' });
    const slug = await helpCentre(s);
    const cat = (await api(s).post('/knowledge/categories', { name: 'Billing & <Payments>' })).json();
    const id = await article(s, {
      title: 'Pay <img src=x onerror=alert(1)>',
      body: '## Steps\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1)) and [good](https://example.com)',
      language: 'de',
      categoryId: cat.id,
    });

    const home = await visit(`/help/${slug}`);
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toMatch(/^text\/html/);
    expect(home.headers['content-security-policy']).toContain("script-src 'self'");
    expect(home.headers['x-content-type-options']).toBe('nosniff');
    expect(home.body).toContain('<html lang="en">');
    expect(home.body).toContain('<main id="content">');
    expect(home.body).toContain('role="search"');
    expect(home.body).toContain('Acme &lt;b&gt;Support&lt;/b&gt;');
    expect(home.body).toContain('Billing &amp; &lt;Payments&gt;');
    expect(home.body).toContain(`/help/${slug}/articles/${id}`);

    const page = await visit(`/help/${slug}/articles/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="de">');
    expect(page.body).toContain('<h1>Pay &lt;img src=x onerror=alert(1)&gt;</h1>');
    expect(page.body).toContain('<h2>Steps</h2>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toMatch(/<script|<img|href="javascript/i);
    expect(page.body).toContain('href="https://example.com" rel="nofollow noopener noreferrer"');
    expect(page.body).toContain('Was this article helpful?');

    const category = await visit(`/help/${slug}/categories/${cat.id}`);
    expect(category.statusCode).toBe(200);
    expect(category.body).toContain('<h1>Billing &amp; &lt;Payments&gt;</h1>');
  });

  it('answers 404 for drafts, internal articles, unknown slugs and another workspace’s articles', async () => {
    const s = await signUp();
    const other = await signUp();
    const slug = await helpCentre(s);
    const otherSlug = await helpCentre(other);
    const draft = await article(s, { title: 'Draft only' }, false);
    const internal = await article(s, { title: 'Agents only', visibility: 'internal', body: 'secret runbook' });
    const theirs = await article(other, { title: 'Theirs', body: 'their words' });
    const published = await article(s, { title: 'Published' });

    for (const url of [
      `/help/${slug}/articles/${draft}`,
      `/help/${slug}/articles/${internal}`,
      `/help/${slug}/articles/${theirs}`,
      `/help/${otherSlug}/articles/${published}`,
      `/help/no-such-help-centre-${Date.now()}`,
    ]) {
      const r = await visit(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
    }
    const home = await visit(`/help/${slug}`);
    expect(home.body).toContain('Published');
    expect(home.body).not.toContain('Draft only');
    expect(home.body).not.toContain('Agents only');
    expect(home.body).not.toContain('Theirs');
    // Search finds neither internal articles nor another workspace's.
    expect((await visit(`/help/${slug}/search?q=secret`)).body).toContain('No article matches');
    expect((await visit(`/help/${slug}/search?q=their`)).body).toContain('No article matches');
    // Making a published article internal takes it out at once.
    const a = (await api(s).get(`/knowledge/articles/${published}`)).json();
    await api(s).patch(`/knowledge/articles/${published}`, { visibility: 'internal', version: a.version });
    expect((await visit(`/help/${slug}/articles/${published}`)).statusCode).toBe(404);
    // Turning the help centre off takes every page down.
    await api(s).put('/knowledge/help-centre', { slug: null });
    expect((await visit(`/help/${slug}`)).statusCode).toBe(404);
  });

  it('shows the published version while a newer draft waits, and searches it in its language', async () => {
    const s = await signUp();
    const slug = await helpCentre(s);
    const id = await article(s, { title: 'Rechnungen', body: 'Alle Rechnungen werden monatlich bezahlt.', language: 'de' });
    const a = (await api(s).get(`/knowledge/articles/${id}`)).json();
    await api(s).patch(`/knowledge/articles/${id}`, { body: 'Unveröffentlichter Entwurf.', version: a.version });

    const page = await visit(`/help/${slug}/articles/${id}`);
    expect(page.body).toContain('monatlich bezahlt');
    expect(page.body).not.toContain('Entwurf');
    const found = await visit(`/help/${slug}/search?q=${encodeURIComponent('Rechnung monatlich')}`);
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(`/help/${slug}/articles/${id}`);
    expect((await visit(`/help/${slug}/search?q=Entwurf`)).body).toContain('No article matches');
    const escaped = await visit(`/help/${slug}/search?q=${encodeURIComponent('<script>x</script>')}`);
    expect(escaped.statusCode).toBe(200);
    expect(escaped.body).not.toContain('<script>x');
    expect(escaped.body).toContain('&lt;script&gt;x&lt;/script&gt;');
  });

  it('counts one vote per reader and article, changed by voting again, and refuses cross-site votes', async () => {
    const s = await signUp();
    const slug = await helpCentre(s);
    const id = await article(s, { title: 'Votable' });
    const draft = await article(s, { title: 'Not public yet' }, false);

    const first = await vote(slug, id, 'yes');
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`/help/${slug}/articles/${id}?voted=1`);
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Path=\/help/);
    const cookie = setCookie.split(';')[0];
    expect(await counts(s, id)).toEqual([1, 0]);

    // The same reader again: still one vote, now a no.
    expect((await vote(slug, id, 'yes', cookie)).statusCode).toBe(303);
    expect((await vote(slug, id, 'no', cookie)).statusCode).toBe(303);
    expect(await counts(s, id)).toEqual([0, 1]);
    // Another reader (no cookie) adds a vote.
    await vote(slug, id, 'yes');
    expect(await counts(s, id)).toEqual([1, 1]);

    expect((await vote(slug, draft, 'yes')).statusCode).toBe(404);
    expect(await counts(s, draft)).toEqual([0, 0]);
    const crossSite = await (await testApp()).inject({
      method: 'POST',
      url: `/help/${slug}/articles/${id}/vote`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      payload: 'helpful=yes',
    });
    expect(crossSite.statusCode).toBe(403);
    expect(await counts(s, id)).toEqual([1, 1]);
    expect((await vote(slug, id, 'maybe' as 'yes')).statusCode).toBe(400);

    const thanks = await visit(`/help/${slug}/articles/${id}?voted=1`);
    expect(thanks.body).toContain('Thank you for your feedback');
  });

  it('rate-limits votes from one address', async () => {
    const s = await signUp();
    const slug = await helpCentre(s);
    const id = await article(s, { title: 'Popular' });
    const app = await testApp();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const r = await app.inject({
        method: 'POST',
        url: `/help/${slug}/articles/${id}/vote`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        remoteAddress: '203.0.113.77',
        payload: 'helpful=yes',
      });
      statuses.push(r.statusCode);
    }
    expect(statuses.filter((c) => c === 303)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});

import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp } from '../../test/harness.ts';
import { searchConfigOf } from './knowledge.search.ts';

// The knowledge base through its API: versions (publishing snapshots, editing drafts over the
// published text), search in each article's own language, categories, roles, and tenancy.

interface Article {
  id: string;
  version: number;
  title: string;
  body: string;
  status: string;
  publishedVersion: number | null;
  hasDraftChanges: boolean;
  categoryId: string | null;
}

async function write(s: Session, input: Record<string, unknown>): Promise<Article> {
  const r = await api(s).post('/knowledge/articles', input);
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function publish(s: Session, id: string): Promise<Article> {
  const r = await api(s).post(`/knowledge/articles/${id}/publish`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

const titles = async (s: Session, query: string) =>
  ((await api(s).get(`/knowledge/articles?${query}`)).json().data as { title: string }[]).map((a) => a.title);

describe('knowledge base articles', () => {
  it('publishes snapshots as numbered versions and keeps edits as a draft over the published one', async () => {
    const s = await signUp();
    const a = await write(s, { title: 'Paying an invoice', body: 'First text.' });
    expect(a).toMatchObject({ status: 'draft', publishedVersion: null, hasDraftChanges: true });

    const v1 = await publish(s, a.id);
    expect(v1).toMatchObject({ status: 'published', publishedVersion: 1, hasDraftChanges: false });
    // Nothing changed since: a second publish is refused rather than making an identical version.
    expect((await api(s).post(`/knowledge/articles/${a.id}/publish`)).statusCode).toBe(409);

    const edited = await api(s).patch(`/knowledge/articles/${a.id}`, { body: 'Second text.', version: v1.version });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ body: 'Second text.', publishedVersion: 1, hasDraftChanges: true });
    // An edit based on an old version is refused.
    expect((await api(s).patch(`/knowledge/articles/${a.id}`, { body: 'Stale', version: v1.version })).statusCode).toBe(409);

    // Publishing what another person's edit replaced is refused when the version read is sent.
    expect((await api(s).post(`/knowledge/articles/${a.id}/publish`, undefined, { 'if-match': `"${v1.version}"` })).statusCode).toBe(409);
    const v2 = await publish(s, a.id);
    expect(v2.publishedVersion).toBe(2);
    const versions = (await api(s).get(`/knowledge/articles/${a.id}/versions`)).json().data;
    expect(versions.map((v: { number: number; body: string }) => [v.number, v.body])).toEqual([
      [2, 'Second text.'],
      [1, 'First text.'],
    ]);

    const off = await api(s).post(`/knowledge/articles/${a.id}/unpublish`);
    expect(off.json()).toMatchObject({ status: 'draft', publishedVersion: null });
    expect((await api(s).get(`/knowledge/articles/${a.id}/versions`)).json().data).toHaveLength(2);
    expect((await api(s).post(`/knowledge/articles/${a.id}/unpublish`)).statusCode).toBe(409);
  });

  it('searches each article in its own language, stemming where PostgreSQL has a dictionary', async () => {
    const s = await signUp();
    await write(s, { title: 'Rechnungen bezahlen', body: 'So werden die Rechnungen bezahlt.', language: 'de' });
    await write(s, { title: 'Paying invoices', body: 'How invoices are paid.', language: 'en' });
    await write(s, { title: 'Facturas', body: 'Cómo se pagan las facturas.', language: 'es' });
    await write(s, { title: 'Laskut', body: 'Kuinka laskut maksetaan.', language: 'xx' });

    // German stems "Rechnung" to the same word as "Rechnungen"; English "invoice" matches "invoices".
    expect(await titles(s, 'q=Rechnung')).toEqual(['Rechnungen bezahlen']);
    expect(await titles(s, 'q=invoice')).toEqual(['Paying invoices']);
    expect(await titles(s, 'q=factura')).toEqual(['Facturas']);
    // A language PostgreSQL has no dictionary for is matched by whole words ('simple').
    expect(searchConfigOf('xx')).toBe('simple');
    expect(await titles(s, 'q=laskut')).toEqual(['Laskut']);
    expect(await titles(s, 'q=lasku')).toEqual([]);
    // English stop words are not searched in English articles; an empty result, not an error.
    expect(await titles(s, 'q=the')).toEqual([]);
    // Search syntax a person types is never an error.
    expect((await api(s).get(`/knowledge/articles?q=${encodeURIComponent('"unclosed & | ! (')}`)).statusCode).toBe(200);
  });

  it('ranks a title match above a body match', async () => {
    const s = await signUp();
    await write(s, { title: 'Exports', body: 'Download your contacts as a spreadsheet.' });
    await write(s, { title: 'Spreadsheet exports', body: 'All about it.' });
    expect(await titles(s, 'q=spreadsheet')).toEqual(['Spreadsheet exports', 'Exports']);
  });

  it('filters by category, tag, status and visibility; deleting a category keeps its articles', async () => {
    const s = await signUp();
    const cat = (await api(s).post('/knowledge/categories', { name: 'Billing' })).json();
    expect((await api(s).post('/knowledge/categories', { name: 'billing' })).statusCode).toBe(409);
    const a = await write(s, { title: 'In billing', categoryId: cat.id, tags: ['pay', 'pay'] });
    await write(s, { title: 'Internal notes', visibility: 'internal', tags: ['agents'] });
    await publish(s, a.id);

    expect(await titles(s, `categoryId=${cat.id}`)).toEqual(['In billing']);
    expect(await titles(s, 'tag=agents')).toEqual(['Internal notes']);
    expect(await titles(s, 'status=published')).toEqual(['In billing']);
    expect(await titles(s, 'visibility=internal')).toEqual(['Internal notes']);
    expect((await api(s).get(`/knowledge/articles/${a.id}`)).json().tags).toEqual(['pay']);
    expect((await api(s).get('/knowledge/categories')).json().data[0]).toMatchObject({ name: 'Billing', articleCount: 1 });

    expect((await api(s).delete(`/knowledge/categories/${cat.id}`)).statusCode).toBe(204);
    expect((await api(s).get(`/knowledge/articles/${a.id}`)).json().categoryId).toBeNull();
  });

  it('lets read-only members read, members write and only admins move the help centre', async () => {
    const s = await signUp();
    const reader = await addMember(s, 'read-only');
    const member = await addMember(s, 'member');
    const a = await write(member, { title: 'By a member' });
    expect((await api(reader).get(`/knowledge/articles/${a.id}`)).statusCode).toBe(200);
    expect((await api(reader).post('/knowledge/articles', { title: 'No' })).statusCode).toBe(403);
    expect((await api(reader).post(`/knowledge/articles/${a.id}/publish`)).statusCode).toBe(403);
    expect((await api(member).put('/knowledge/help-centre', { slug: 'by-member' })).statusCode).toBe(403);
    const slug = `acme-${Date.now().toString(36)}`;
    expect((await api(s).put('/knowledge/help-centre', { slug })).json()).toEqual({ slug, path: `/help/${slug}` });
    expect((await api(reader).get('/knowledge/help-centre')).json().slug).toBe(slug);
  });

  it('keeps articles, categories and help-centre slugs to their workspace', async () => {
    const s = await signUp();
    const other = await signUp();
    const cat = (await api(other).post('/knowledge/categories', { name: 'Theirs' })).json();
    const a = await write(s, { title: 'Ours', body: 'private words' });
    expect((await api(other).get(`/knowledge/articles/${a.id}`)).statusCode).toBe(404);
    expect((await api(other).patch(`/knowledge/articles/${a.id}`, { title: 'x', version: 1 })).statusCode).toBe(404);
    expect((await api(other).post(`/knowledge/articles/${a.id}/publish`)).statusCode).toBe(404);
    expect(await titles(other, 'q=private')).toEqual([]);
    // Another workspace's category is no category here.
    const r = await api(s).post('/knowledge/articles', { title: 'x', categoryId: cat.id });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0].field).toBe('body.categoryId');

    const slug = `taken-${Date.now().toString(36)}`;
    expect((await api(s).put('/knowledge/help-centre', { slug })).statusCode).toBe(200);
    const clash = await api(other).put('/knowledge/help-centre', { slug });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().errors[0].field).toBe('body.slug');
    expect((await api(other).put('/knowledge/help-centre', { slug: 'Not A Slug' })).statusCode).toBe(400);
  });

  it('previews Markdown with raw HTML escaped and script links dropped', async () => {
    const s = await signUp();
    const r = await api(s).post('/knowledge/preview', { body: '# Hi\n\n<script>alert(1)</script> [x](javascript:alert(1))' });
    const html: string = r.json().html;
    expect(html).toContain('<h1>Hi</h1>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('href="javascript');
  });
});

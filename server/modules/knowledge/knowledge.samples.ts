import { api, type Session } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

const suffix = () => Math.random().toString(36).slice(2, 8);

const category = async (s: Session) => ({ id: (await createOk(s, '/knowledge/categories', { name: `Billing ${suffix()}` })).id });

const article = async (s: Session) => ({
  id: (
    await createOk(s, '/knowledge/articles', {
      title: 'Paying an invoice',
      body: 'Open **Billing** and pay.',
      language: 'en',
      tags: ['billing'],
    })
  ).id,
});

const publishedArticle = async (s: Session) => {
  const a = await article(s);
  const r = await api(s).post(`/knowledge/articles/${a.id}/publish`);
  if (r.statusCode !== 200) throw new Error(`publishing → ${r.statusCode} ${r.body}`);
  return { id: a.id };
};

export const samples: Samples = {
  'GET /api/v1/knowledge/categories': { setup: async (s) => ({ categoryId: (await category(s)).id }) },
  'POST /api/v1/knowledge/categories': { body: () => ({ name: `Setup ${suffix()}`, description: 'First steps' }), ok: 201 },
  'PATCH /api/v1/knowledge/categories/:id': { setup: category, body: () => ({ name: `Renamed ${suffix()}`, version: 1 }) },
  'DELETE /api/v1/knowledge/categories/:id': { setup: category, ok: 204 },
  'GET /api/v1/knowledge/articles': { setup: async (s) => ({ articleId: (await article(s)).id }), query: 'q=invoice' },
  'POST /api/v1/knowledge/articles': {
    body: () => ({
      title: 'Resetting a password',
      body: 'Click *Forgot password*.',
      language: 'en',
      visibility: 'internal',
      tags: ['account'],
    }),
    ok: 201,
  },
  'GET /api/v1/knowledge/articles/:id': { setup: article },
  'PATCH /api/v1/knowledge/articles/:id': { setup: article, body: () => ({ body: 'Open **Billing**, then pay.', version: 1 }) },
  'POST /api/v1/knowledge/articles/:id/publish': { setup: article },
  'POST /api/v1/knowledge/articles/:id/unpublish': { setup: publishedArticle },
  'DELETE /api/v1/knowledge/articles/:id': { setup: article, ok: 204 },
  'GET /api/v1/knowledge/articles/:id/versions': { setup: publishedArticle },
  'POST /api/v1/knowledge/preview': { body: () => ({ body: '# Title\n\n<script>alert(1)</script>' }) },
  'GET /api/v1/knowledge/help-centre': {},
  'PUT /api/v1/knowledge/help-centre': { body: () => ({ slug: `acme-${suffix()}` }) },
};

import { api, type Session } from '../../test/harness.ts';
import { bulkSample, createOk, recordSamples, type Samples } from '../../test/samples.ts';
import { tinyPng } from './photos.fixture.ts';

/** A contact with a photo. */
async function withPhoto(s: Session) {
  const { id } = await createOk(s, '/contacts', { lastName: 'Photographed' });
  const r = await api(s).put(`/contacts/${id}/photo`, tinyPng, { 'content-type': 'image/png' });
  if (r.statusCode !== 204) throw new Error(`PUT photo → ${r.statusCode} ${r.body}`);
  return { id };
}

export const samples: Samples = {
  ...recordSamples('contacts', () => ({ firstName: 'Ada', lastName: 'Lovelace', emails: [{ label: 'work', value: 'ada@example.com' }] }), {
    title: 'Analyst',
  }),
  ...bulkSample('contacts', () => ({ lastName: 'Lovelace' }), { lifecycleStage: 'customer' }),
  'GET /api/v1/contacts/:id/overview': { setup: async (s) => ({ id: (await createOk(s, '/contacts', { lastName: 'Overview' })).id }) },
  'PUT /api/v1/contacts/:id/photo': {
    setup: async (s) => ({ id: (await createOk(s, '/contacts', { lastName: 'Portrait' })).id }),
    body: () => tinyPng,
    contentType: 'image/png',
    ok: 204,
  },
  'GET /api/v1/contacts/:id/photo': { setup: withPhoto },
  'DELETE /api/v1/contacts/:id/photo': { setup: withPhoto, ok: 204 },
  'GET /api/v1/companies/:id/contacts': {
    setup: async (s) => {
      const company = await createOk(s, '/companies', { name: 'Analytical Engines' });
      const contact = await createOk(s, '/contacts', { lastName: 'Babbage', companies: [{ companyId: company.id, isPrimary: true }] });
      return { id: company.id, contactId: contact.id };
    },
  },
};

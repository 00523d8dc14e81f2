import { bulkSample, createOk, recordSamples, type Samples } from '../../test/samples.ts';

export const samples: Samples = {
  ...recordSamples('contacts', () => ({ firstName: 'Ada', lastName: 'Lovelace', emails: [{ label: 'work', value: 'ada@example.com' }] }), {
    title: 'Analyst',
  }),
  ...bulkSample('contacts', () => ({ lastName: 'Lovelace' }), { lifecycleStage: 'customer' }),
  'GET /api/v1/contacts/:id/overview': { setup: async (s) => ({ id: (await createOk(s, '/contacts', { lastName: 'Overview' })).id }) },
  'GET /api/v1/companies/:id/contacts': {
    setup: async (s) => {
      const company = await createOk(s, '/companies', { name: 'Analytical Engines' });
      const contact = await createOk(s, '/contacts', { lastName: 'Babbage', companies: [{ companyId: company.id, isPrimary: true }] });
      return { id: company.id, contactId: contact.id };
    },
  },
};

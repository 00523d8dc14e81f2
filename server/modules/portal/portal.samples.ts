import { createOk, type Samples } from '../../test/samples.ts';

export const samples: Samples = {
  'GET /api/v1/portal/settings': {},
  'PATCH /api/v1/portal/settings': { body: () => ({ companyTickets: true }) },
  'GET /api/v1/tickets/:id/satisfaction': { setup: async (s) => ({ id: (await createOk(s, '/tickets', { subject: 'Rated' })).id }) },
  'GET /api/v1/satisfaction': { query: 'from=2026-01-01T00:00:00Z' },
};

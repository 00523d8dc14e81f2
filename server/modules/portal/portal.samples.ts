import type { Samples } from '../../test/samples.ts';

export const samples: Samples = {
  'GET /api/v1/portal/settings': {},
  'PATCH /api/v1/portal/settings': { body: () => ({ companyTickets: true }) },
};

import { bulkSample, createOk, recordSamples, type Samples } from '../../test/samples.ts';

const lead = () => ({ firstName: 'Lena', lastName: 'Lindqvist', email: 'lena@leadco.example', companyName: 'Leadco' });

export const samples: Samples = {
  ...recordSamples('leads', lead, { status: 'contacted' }),
  ...bulkSample('leads', lead, { status: 'qualified' }),
  'POST /api/v1/leads/:id/convert': {
    setup: async (s) => ({ id: (await createOk(s, '/leads', lead())).id }),
    body: () => ({ version: 1, deal: { name: 'Leadco pilot', amountMinor: 50_000 } }),
  },
};

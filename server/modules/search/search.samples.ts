import { createOk, type Samples } from '../../test/samples.ts';

export const samples: Samples = {
  'GET /api/v1/search': {
    setup: async (s) => ({ recordId: (await createOk(s, '/contacts', { firstName: 'Zebulon', lastName: 'Quarry' })).id }),
    query: 'q=zebu',
  },
};

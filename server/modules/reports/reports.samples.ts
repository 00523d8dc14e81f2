import { api } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

export const samples: Samples = {
  'GET /api/v1/reports/pipeline': {
    setup: async (s) => {
      const stageId = (await api(s).get('/pipelines')).json().data[0].stages[0].id;
      return { recordId: (await createOk(s, '/deals', { name: 'Reported', amountMinor: 1000, stageId })).id };
    },
  },
  'GET /api/v1/reports/win-rate': { query: 'months=3' },
};

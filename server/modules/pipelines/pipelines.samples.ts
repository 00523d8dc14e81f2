import { createOk, recordSamples, type Samples } from '../../test/samples.ts';

const pipeline = () => ({
  name: 'Partnerships',
  stages: [
    { name: 'Intro', probability: 20 },
    { name: 'Signed', probability: 100, kind: 'won' },
  ],
});

export const samples: Samples = {
  ...recordSamples('pipelines', pipeline, { name: 'Partner deals' }),
  'GET /api/v1/pipelines/:id/board': { setup: async (s) => ({ id: (await createOk(s, '/pipelines', pipeline())).id }) },
};

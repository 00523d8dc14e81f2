import type { Samples } from '../../test/samples.ts';

export const samples: Samples = {
  // A stream that ends after its `ready` event: the generated suites get an answer, not a wait.
  'GET /api/v1/live': { query: 'seconds=0' },
};

import { createOk, type Samples } from '../../test/samples.ts';

const view = async (s: Parameters<typeof createOk>[0]) => ({
  id: (await createOk(s, '/views', { objectType: 'company', name: 'Big ones', sort: '-updatedAt', visibility: 'shared' })).id,
});

export const samples: Samples = {
  'GET /api/v1/views': { setup: async (s) => ({ viewId: (await view(s)).id }) },
  'POST /api/v1/views': { body: () => ({ objectType: 'company', name: 'Mine' }), ok: 201 },
  'GET /api/v1/views/:id': { setup: view },
  'PATCH /api/v1/views/:id': { setup: view, body: () => ({ name: 'Renamed', version: 1 }) },
  'DELETE /api/v1/views/:id': { setup: view },
};

import { api } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

let n = 0;
const define = async (s: Parameters<typeof createOk>[0]) => ({
  id: (await createOk(s, '/fields', { objectType: 'company', key: `f${++n}`, label: 'Tier', type: 'text' })).id,
});

const trashed = async (s: Parameters<typeof createOk>[0]) => {
  const { id } = await define(s);
  await api(s).delete(`/fields/${id}`);
  return { id };
};

export const samples: Samples = {
  'GET /api/v1/fields': { setup: async (s) => ({ fieldId: (await define(s)).id }) },
  'POST /api/v1/fields': { body: () => ({ objectType: 'contact', key: `k${++n}`, label: 'Shoe size', type: 'number' }), ok: 201 },
  'PATCH /api/v1/fields/:id': { setup: define, body: () => ({ label: 'Renamed', version: 1 }) },
  'DELETE /api/v1/fields/:id': { setup: define },
  'POST /api/v1/fields/:id/restore': { setup: trashed, body: () => ({}) },
  'POST /api/v1/fields/:id/purge': { setup: trashed, body: () => ({}), ok: 204 },
};

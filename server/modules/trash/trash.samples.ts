import { api } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

export const samples: Samples = {
  'GET /api/v1/trash': {
    setup: async (s) => {
      const { id } = await createOk(s, '/contacts', { firstName: 'Trashed', lastName: 'Sample' });
      await api(s).delete(`/contacts/${id}`);
      return { recordId: id };
    },
  },
  'DELETE /api/v1/trash/:type/:id': {
    setup: async (s) => {
      const { id } = await createOk(s, '/contacts', { firstName: 'Purged', lastName: 'Sample' });
      await api(s).delete(`/contacts/${id}`);
      return { type: 'contact', id };
    },
    publicParams: ['type'],
    ok: 204,
  },
};

import { api, type Session } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

/** A list of contacts holding one contact. */
const list = async (s: Session) => {
  const contact = await createOk(s, '/contacts', { firstName: 'Ada', lastName: 'Lovelace' });
  const made = await createOk(s, '/lists', { name: `VIP ${Math.random().toString(36).slice(2, 8)}`, objectType: 'contact' });
  const r = await api(s).post(`/lists/${made.id}/members`, { ids: [contact.id] });
  if (r.statusCode !== 200) throw new Error(`adding to a list → ${r.statusCode} ${r.body}`);
  return { id: made.id, recordId: contact.id };
};

export const samples: Samples = {
  'GET /api/v1/lists': { setup: async (s) => ({ listId: (await list(s)).id }) },
  'POST /api/v1/lists': { body: () => ({ name: `Fair ${Math.random().toString(36).slice(2, 8)}`, objectType: 'company' }), ok: 201 },
  'GET /api/v1/lists/:id': { setup: list },
  'PATCH /api/v1/lists/:id': { setup: list, body: () => ({ name: `Renamed ${Math.random().toString(36).slice(2, 8)}`, version: 1 }) },
  'DELETE /api/v1/lists/:id': { setup: list },
  'GET /api/v1/lists/:id/members': { setup: list },
  'POST /api/v1/lists/:id/members': {
    setup: async (s) => ({ ...(await list(s)), other: (await createOk(s, '/contacts', { firstName: 'Grace' })).id }),
    body: (_s, p) => ({ ids: [p.other] }),
  },
  'POST /api/v1/lists/:id/members/remove': { setup: list, body: (_s, p) => ({ ids: [p.recordId] }) },
};

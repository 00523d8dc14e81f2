import type { Session } from '../../test/harness.ts';
import { api } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

const person = async (s: Session) => ({ id: (await createOk(s, '/contacts', { firstName: 'Sample', lastName: 'Person' })).id });
const held = async (s: Session) => {
  const p = await person(s);
  await api(s).put(`/contacts/${p.id}/legal-hold`, { reason: 'Sample hold' });
  return p;
};

export const samples: Samples = {
  'GET /api/v1/contacts/:id/personal-data': { setup: person },
  'POST /api/v1/contacts/:id/erasure': { setup: person, body: () => ({ confirm: 'Sample Person', reason: 'Asked by email' }) },
  'GET /api/v1/contacts/:id/legal-hold': { setup: held },
  'PUT /api/v1/contacts/:id/legal-hold': { setup: person, body: () => ({ reason: 'Litigation' }) },
  'DELETE /api/v1/contacts/:id/legal-hold': { setup: held },
  'GET /api/v1/privacy/requests': {},
  'GET /api/v1/contacts/:id/consents': { setup: person },
  'POST /api/v1/contacts/:id/consents': {
    setup: person,
    body: () => ({ purpose: 'Newsletter', status: 'granted', source: 'Web form', wordingVersion: 'v3' }),
    ok: 201,
  },
  'GET /api/v1/privacy/retention-rules': {},
  'PUT /api/v1/privacy/retention-rules/:objectType': {
    setup: async () => ({ objectType: 'lead' }),
    body: () => ({ days: 30 }),
    publicParams: ['objectType'],
  },
  'DELETE /api/v1/privacy/retention-rules/:objectType': {
    setup: async (s) => {
      await api(s).put('/privacy/retention-rules/lead', { days: 30 });
      return { objectType: 'lead' };
    },
    publicParams: ['objectType'],
    ok: 204,
  },
};

import { api, type Session } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';
import { firstStage } from './merge.fixture.ts';

const ada = () => ({ firstName: 'Ada', lastName: 'Lovelace', emails: [{ label: 'work', value: 'ada@example.com' }] });

/** Two contacts alike enough to merge. */
async function twins(s: Session) {
  const a = await createOk(s, '/contacts', ada());
  const b = await createOk(s, '/contacts', { ...ada(), firstName: 'Augusta' });
  return { a: a.id, b: b.id };
}

export const samples: Samples = {
  'POST /api/v1/contacts/duplicates-check': {
    setup: async (s) => ({ id: (await createOk(s, '/contacts', ada())).id }),
    body: () => ada(),
    ok: 200,
  },
  'POST /api/v1/companies/duplicates-check': {
    setup: async (s) => ({ id: (await createOk(s, '/companies', { name: 'Acme', domain: 'acme.example' })).id }),
    body: () => ({ name: 'Acme Inc', domain: 'acme.example' }),
    ok: 200,
  },
  'POST /api/v1/leads/duplicates-check': {
    setup: async (s) => ({ id: (await createOk(s, '/leads', { lastName: 'Lead', email: 'lou@leadco.example' })).id }),
    body: () => ({ firstName: 'Lou', email: 'lou@leadco.example' }),
    ok: 200,
  },
  'POST /api/v1/deals/duplicates-check': {
    setup: async (s) => ({ id: (await createOk(s, '/deals', { name: 'Acme renewal', stageId: await firstStage(s) })).id }),
    body: async (s) => ({ name: 'Acme renewals', stageId: await firstStage(s) }),
    ok: 200,
  },
  'POST /api/v1/deals/merge': {
    setup: async (s) => {
      const stageId = await firstStage(s);
      return {
        a: (await createOk(s, '/deals', { name: 'Acme renewal', stageId })).id,
        b: (await createOk(s, '/deals', { name: 'Acme renewal 2', stageId })).id,
      };
    },
    body: (_s, p) => ({ survivorId: p.a, mergedIds: [p.b] }),
    ok: 200,
  },
  'GET /api/v1/leads/:id/conversion-matches': {
    setup: async (s) => {
      await createOk(s, '/contacts', { firstName: 'Lou', lastName: 'Lead', emails: [{ value: 'lou@leadco.example' }] });
      return {
        id: (await createOk(s, '/leads', { firstName: 'Lou', lastName: 'Lead', email: 'lou@leadco.example', companyName: 'Leadco' })).id,
      };
    },
  },
  'GET /api/v1/records/:type/:id/duplicates': {
    setup: async (s) => ({ type: 'contact', id: (await twins(s)).a }),
    publicParams: ['type'],
  },
  'GET /api/v1/duplicates': { setup: async (s) => twins(s), query: 'type=contact' },
  'POST /api/v1/duplicates/dismiss': {
    setup: twins,
    body: (_s, p) => ({ type: 'contact', ids: [p.a, p.b] }),
    ok: 204,
  },
  'POST /api/v1/duplicates/scan': { query: 'type=contact', body: () => ({}), ok: 202 },
  'POST /api/v1/contacts/merge': {
    setup: twins,
    body: (_s, p) => ({ survivorId: p.a, mergedIds: [p.b], fields: { firstName: p.b } }),
    ok: 200,
  },
  'POST /api/v1/companies/merge': {
    setup: async (s) => ({
      a: (await createOk(s, '/companies', { name: 'Acme' })).id,
      b: (await createOk(s, '/companies', { name: 'Acme Inc' })).id,
    }),
    body: (_s, p) => ({ survivorId: p.a, mergedIds: [p.b] }),
    ok: 200,
  },
  'POST /api/v1/leads/merge': {
    setup: async (s) => ({
      a: (await createOk(s, '/leads', { lastName: 'Lead', email: 'l@x.example' })).id,
      b: (await createOk(s, '/leads', { lastName: 'Lead', email: 'l@x.example' })).id,
    }),
    body: (_s, p) => ({ survivorId: p.a, mergedIds: [p.b] }),
    ok: 200,
  },
  'GET /api/v1/merges/:id': {
    setup: async (s) => {
      const t = await twins(s);
      return { id: (await api(s).post('/contacts/merge', { survivorId: t.a, mergedIds: [t.b] })).json().merge.id };
    },
  },
  'POST /api/v1/merges/:id/undo': {
    setup: async (s) => {
      const t = await twins(s);
      return { id: (await api(s).post('/contacts/merge', { survivorId: t.a, mergedIds: [t.b] })).json().merge.id };
    },
    body: () => ({}),
    ok: 200,
  },
};

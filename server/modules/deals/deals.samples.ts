import { api, type Session } from '../../test/harness.ts';
import { bulkSample, createOk, recordSamples, type Samples } from '../../test/samples.ts';

/** The first stage of the workspace's default "Sales" pipeline. */
const firstStage = async (s: Session) => {
  const pipelines = (await api(s).get('/pipelines')).json().data;
  return pipelines[0].stages[0].id as string;
};

export const samples: Samples = {
  ...recordSamples('deals', async (s) => ({ name: 'Initech renewal', amountMinor: 120_000, stageId: await firstStage(s) }), {
    probability: 40,
  }),
  ...bulkSample('deals', async (s) => ({ name: 'Bulk renewal', stageId: await firstStage(s) }), { ownerId: null }),
  'GET /api/v1/contacts/:id/deals': {
    setup: async (s) => {
      const contact = await createOk(s, '/contacts', { firstName: 'Dana' });
      await createOk(s, '/deals', { name: 'With Dana', stageId: await firstStage(s), contacts: [{ contactId: contact.id }] });
      return { id: contact.id };
    },
  },
};

import { api, type Session } from '../../test/harness.ts';
import { recordSamples } from '../../test/samples.ts';

/** The first stage of the workspace's default "Sales" pipeline. */
const firstStage = async (s: Session) => {
  const pipelines = (await api(s).get('/pipelines')).json().data;
  return pipelines[0].stages[0].id as string;
};

export const samples = recordSamples(
  'deals',
  async (s) => ({ name: 'Initech renewal', amountMinor: 120_000, stageId: await firstStage(s) }),
  {
    probability: 40,
  },
);

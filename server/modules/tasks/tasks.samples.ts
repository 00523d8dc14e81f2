import { linkablePaths } from '../../../contract/activities.ts';
import type { Session } from '../../test/harness.ts';
import { bulkSample, recordSamples, type Samples } from '../../test/samples.ts';
import { createSampleRecord } from '../activities/activities.samples.ts';

export const samples: Samples = {
  ...recordSamples('tasks', () => ({ title: 'Send the proposal', dueAt: '2030-01-15T09:00:00Z' }), { priority: 'high' }),
  ...bulkSample('tasks', () => ({ title: 'Call back' }), { priority: 'high', done: true }),
  ...Object.fromEntries(
    Object.values(linkablePaths).map((path) => [
      `GET /api/v1/${path}/:id/tasks`,
      { setup: async (s: Session) => ({ id: (await createSampleRecord(s, path)).id }) },
    ]),
  ),
};

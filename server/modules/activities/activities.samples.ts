import { linkablePaths } from '../../../contract/activities.ts';
import type { Session } from '../../test/harness.ts';
import { createOk, recordSamples, type Samples } from '../../test/samples.ts';

// Loaded lazily: this file is one of the modules it searches.
const sampleModules = import.meta.glob<{ samples: Samples }>('../*/*.samples.ts');

/**
 * Creates a record of `path` (`contacts`, `deals` …) the way that module's own create sample does,
 * so that routes on any record type can be sampled without knowing what that record needs.
 */
export async function createSampleRecord(s: Session, path: string) {
  if (path === 'custom-records') {
    const { sampleObject } = await import('../objects/objects.samples.ts');
    return (await sampleObject(s)).record;
  }
  for (const load of Object.values(sampleModules)) {
    const sample = (await load()).samples[`POST /api/v1/${path}`];
    if (!sample?.body) continue;
    const params = sample.setup ? await sample.setup(s) : {};
    return createOk(s, `/${path}`, await sample.body(s, params));
  }
  throw new Error(`no *.samples.ts creates ${path}`);
}

// A meeting, so that the samples cover its attendees and location as well as the fields of every activity.
const newActivity = async (s: Session) => ({
  type: 'meeting',
  subject: 'Intro meeting',
  location: 'Room 1',
  attendees: [{ email: 'guest@initech.example.test', name: 'Gus Guest' }, { memberId: s.memberId }],
  links: [{ recordType: 'company', recordId: (await createOk(s, '/companies', { name: 'Initech' })).id }],
});

export const samples: Samples = {
  ...recordSamples('activities', newActivity, {
    outcome: 'held',
    location: 'Room 2',
    attendees: [{ email: 'guest@initech.example.test', status: 'accepted' }],
  }),
  ...Object.fromEntries(
    Object.values(linkablePaths).map((path) => [
      `GET /api/v1/${path}/:id/timeline`,
      { setup: async (s: Session) => ({ id: (await createSampleRecord(s, path)).id }) },
    ]),
  ),
};

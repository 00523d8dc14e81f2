import type { ObjectRights } from '../../../contract/access.ts';
import { createOk, type Samples } from '../../test/samples.ts';

const unique = () => Math.random().toString(36).slice(2, 8);
const team = async (s: Parameters<typeof createOk>[0]) => ({ id: (await createOk(s, '/teams', { name: `Sales ${unique()}` })).id });

const reads: ObjectRights = {
  read: 'own',
  edit: 'own',
  delete: 'none',
  create: true,
  export: false,
  import: false,
  merge: false,
  bulkEdit: false,
};
const profile = async (s: Parameters<typeof createOk>[0]) => ({
  id: (await createOk(s, '/access-profiles', { name: `Rep ${unique()}`, rights: { contact: reads } })).id,
});

export const samples: Samples = {
  'GET /api/v1/teams': { setup: team },
  'POST /api/v1/teams': { body: () => ({ name: `Sales ${unique()}` }), ok: 201 },
  'GET /api/v1/teams/:id': { setup: team },
  'PATCH /api/v1/teams/:id': { setup: team, body: () => ({ name: `Renamed ${unique()}`, version: 1 }) },
  'DELETE /api/v1/teams/:id': { setup: team },
  'POST /api/v1/teams/:id/members': { setup: team, body: (s) => ({ ids: [s.memberId] }) },
  'POST /api/v1/teams/:id/members/remove': { setup: team, body: (s) => ({ ids: [s.memberId] }) },
  'GET /api/v1/access-profiles': { setup: profile },
  'POST /api/v1/access-profiles': { body: () => ({ name: `Rep ${unique()}`, rights: { deal: reads } }), ok: 201 },
  'GET /api/v1/access-profiles/:id': { setup: profile },
  'PATCH /api/v1/access-profiles/:id': { setup: profile, body: () => ({ name: `Renamed ${unique()}`, version: 1 }) },
  'DELETE /api/v1/access-profiles/:id': { setup: profile },
  'PUT /api/v1/members/:id/access-profile': {
    setup: async (s) => {
      const { addMember } = await import('../../test/harness.ts');
      return { id: (await addMember(s, 'member')).memberId, profileId: (await profile(s)).id };
    },
    body: (_s, p) => ({ profileId: p.profileId }),
  },
};

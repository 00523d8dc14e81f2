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

const companyOf = (s: Parameters<typeof createOk>[0]) => createOk(s, '/companies', { name: `Acme ${unique()}` });
/** A company shared with a team. */
const shared = async (s: Parameters<typeof createOk>[0]) => {
  const { api } = await import('../../test/harness.ts');
  const company = await companyOf(s);
  const share = await api(s).post(`/records/company/${company.id}/shares`, { teamId: (await team(s)).id, access: 'read' });
  if (share.statusCode !== 201) throw new Error(share.body);
  return { type: 'company', id: company.id, shareId: share.json().id };
};

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
  'GET /api/v1/records/:type/:id/shares': { setup: shared, publicParams: ['type'] },
  'POST /api/v1/records/:type/:id/shares': {
    setup: async (s) => ({ type: 'company', id: (await companyOf(s)).id, teamId: (await team(s)).id }),
    body: (_s, p) => ({ teamId: p.teamId, access: 'read' }),
    ok: 201,
    publicParams: ['type'],
  },
  'DELETE /api/v1/records/:type/:id/shares/:shareId': { setup: shared, publicParams: ['type'] },
};

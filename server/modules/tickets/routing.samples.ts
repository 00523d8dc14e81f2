import { createOk, type Samples } from '../../test/samples.ts';

const team = async (s: Parameters<typeof createOk>[0]) => ({
  id: (await createOk(s, '/teams', { name: `Support ${Math.random().toString(36).slice(2, 8)}` })).id,
});

export const samples: Samples = {
  'GET /api/v1/support-agents': {},
  'PUT /api/v1/support-agents/me/status': { body: () => ({ status: 'online' }) },
  'PUT /api/v1/support-agents/:id/skills': { setup: async (s) => ({ id: s.memberId }), body: () => ({ skills: ['billing'] }) },
  'GET /api/v1/teams/:id/routing': { setup: team },
  'PUT /api/v1/teams/:id/routing': { setup: team, body: () => ({ method: 'round_robin', reassignWhenAway: true }) },
  'GET /api/v1/routing-rules': {},
  'PUT /api/v1/routing-rules': {
    setup: async (s) => ({ teamId: (await team(s)).id }),
    body: (_s, p) => ({ rules: [{ name: 'Billing', keywords: ['invoice'], teamId: p.teamId }] }),
  },
};

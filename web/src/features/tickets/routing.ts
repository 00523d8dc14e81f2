import { queryOptions } from '@tanstack/react-query';
import { api, type GetResult, unwrap } from '../../api.ts';

// Routing and availability (issue 14) on the web side: query keys and reads.

export type SupportAgent = GetResult<'/api/v1/support-agents'>['data'][number];
export type RoutingRule = GetResult<'/api/v1/routing-rules'>['rules'][number];

export const routingKeys = {
  agents: ['support-agents'] as const,
  team: (id: string) => ['team-routing', id] as const,
  rules: ['routing-rules'] as const,
};

export const agentsQuery = queryOptions({
  queryKey: routingKeys.agents,
  queryFn: async () => unwrap(await api.GET('/api/v1/support-agents')).data,
  // Colleagues change status while the page is open; a minute is fresh enough to pick whom to ask.
  refetchInterval: 60_000,
});

export const teamRoutingQuery = (id: string) =>
  queryOptions({
    queryKey: routingKeys.team(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/teams/{id}/routing', { params: { path: { id } } })),
  });

export const rulesQuery = queryOptions({
  queryKey: routingKeys.rules,
  queryFn: async () => unwrap(await api.GET('/api/v1/routing-rules')).rules,
});

// Light fills with the text colour on them: readable (WCAG AA) in both schemes.
export const statusColor = { online: 'teal.1', away: 'yellow.2', off: 'gray.2' } as const;

import Type from 'typebox';
import { IdParams } from '../../../contract/common.ts';
import {
  AgentSkillsPut,
  RoutingRules,
  RoutingRulesPut,
  SupportAgent,
  SupportStatusPut,
  TeamRouting,
  TeamRoutingPut,
} from '../../../contract/support.ts';
import type { App } from '../../http/typed-app.ts';
import { wakeWorkers } from '../../jobs/queue.ts';
import { errorResponses } from '../../records/routes.ts';
import { listSupportAgents, setAgentSkills, setMyStatus } from './availability.service.ts';
import { getTeamRouting, listRoutingRules, putRoutingRules, putTeamRouting } from './routing.service.ts';

export async function routingRoutes(app: App) {
  const tags = ['Tickets'];

  app.get('/support-agents', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: "Every member's support status (online, away, off) and skills",
      response: { 200: Type.Object({ data: Type.Array(SupportAgent) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listSupportAgents(app.db, req.ctx) }),
  });

  app.put('/support-agents/me/status', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Set your own support status',
      description:
        'Only online agents are given tickets. Going away or off hands your open tickets in teams with "reassign when away" to their next available agent (a background job), or back to the team queue.',
      body: SupportStatusPut,
      response: { 200: SupportAgent, ...errorResponses },
    },
    handler: async (req) => {
      const { agent, jobId } = await app.db.transaction((tx) => setMyStatus(tx, req.ctx, req.body.status));
      if (jobId) wakeWorkers();
      return agent;
    },
  });

  app.put('/support-agents/:id/skills', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: "Set a member's skills, which routing rules may require",
      params: IdParams,
      body: AgentSkillsPut,
      response: { 200: SupportAgent, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => setAgentSkills(tx, req.ctx, req.params.id, req.body.skills)),
  });

  app.get('/teams/:id/routing', {
    config: { permission: 'read' },
    schema: { tags, summary: 'How a team hands out its new tickets', params: IdParams, response: { 200: TeamRouting, ...errorResponses } },
    handler: async (req) => getTeamRouting(app.db, req.ctx, req.params.id),
  });

  app.put('/teams/:id/routing', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: "Set a team's routing method and whether an agent's tickets move on when they go away",
      description:
        'round_robin: online agents take turns; least_loaded: the online agent with the fewest open tickets; manual: nobody is picked.',
      params: IdParams,
      body: TeamRoutingPut,
      response: { 200: TeamRouting, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => putTeamRouting(tx, req.ctx, req.params.id, req.body)),
  });

  app.get('/routing-rules', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: "The workspace's routing rules, in the order they are tried",
      response: { 200: RoutingRules, ...errorResponses },
    },
    handler: async (req) => ({ rules: await listRoutingRules(app.db, req.ctx) }),
  });

  app.put('/routing-rules', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Replace the routing rules, in order',
      description:
        "A new ticket without team or assignee goes to the team of the first rule it meets; the customer's tier is the `tier` custom field of the ticket's company, else of its requester.",
      body: RoutingRulesPut,
      response: { 200: RoutingRules, ...errorResponses },
    },
    handler: async (req) => ({ rules: await app.db.transaction((tx) => putRoutingRules(tx, req.ctx, req.body)) }),
  });
}

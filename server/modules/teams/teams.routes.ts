import Type from 'typebox';
import { Team, TeamCreate, TeamMemberIds, TeamUpdate } from '../../../contract/access.ts';
import { IdParams, Problem } from '../../../contract/common.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, expectedVersion } from '../../records/routes.ts';
import { releaseTeam } from '../tickets/tickets.service.ts';
import * as teams from './teams.service.ts';

export async function teamRoutes(app: App) {
  const tags = ['Teams'];
  app.get('/teams', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Every team, by name, with its members',
      response: { 200: Type.Object({ data: Type.Array(Team) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await teams.listTeams(app.db, req.ctx) }),
  });
  app.post('/teams', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Make a team',
      description: 'Optionally under a parent team and with a manager, who sees what the team sees.',
      body: TeamCreate,
      response: { 201: Team, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await app.db.transaction((tx) => teams.createTeam(tx, req.ctx, req.body))),
  });
  app.get('/teams/:id', {
    config: { permission: 'read' },
    schema: { tags, summary: 'One team', params: IdParams, response: { 200: Team, ...errorResponses } },
    handler: async (req) => teams.getTeam(app.db, req.ctx, req.params.id),
  });
  app.patch('/teams/:id', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Rename a team, move it under another or change its manager',
      description: 'A parent that is the team itself or a team below it is refused (422 naming `body.parentTeamId`).',
      params: IdParams,
      body: TeamUpdate,
      response: { 200: Team, 428: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const { version, ...patch } = req.body;
      const v = expectedVersion(req, version, true);
      return app.db.transaction((tx) => teams.updateTeam(tx, req.ctx, req.params.id, v, patch));
    },
  });
  app.delete('/teams/:id', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Delete a team',
      description: 'A team with teams below it is refused (409 `team_has_children`): move or delete them first.',
      params: IdParams,
      response: { 200: Team, ...errorResponses },
    },
    handler: async (req) =>
      app.db.transaction(async (tx) => {
        // Its tickets and support addresses are left without a team, in the same transaction: a
        // refused delete (409, stale version) rolls this back too.
        await releaseTeam(tx, req.ctx, req.params.id);
        return teams.deleteTeam(tx, req.ctx, req.params.id, expectedVersion(req, undefined, false));
      }),
  });
  app.post('/teams/:id/members', {
    config: { permission: 'admin' },
    schema: { tags, summary: 'Put members in a team', params: IdParams, body: TeamMemberIds, response: { 200: Team, ...errorResponses } },
    handler: async (req) => app.db.transaction((tx) => teams.addTeamMembers(tx, req.ctx, req.params.id, req.body.ids)),
  });
  app.post('/teams/:id/members/remove', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Take members out of a team',
      params: IdParams,
      body: TeamMemberIds,
      response: { 200: Team, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => teams.removeTeamMembers(tx, req.ctx, req.params.id, req.body.ids)),
  });
}

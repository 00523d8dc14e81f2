import Type from 'typebox';
import { AccessProfile, AccessProfileCreate, AccessProfileUpdate, MemberProfileSet } from '../../../contract/access.ts';
import { IdParams, Nullable, Problem, Uuid } from '../../../contract/common.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, expectedVersion } from '../../records/routes.ts';
import * as profiles from './profiles.service.ts';

export async function accessProfileRoutes(app: App) {
  const tags = ['Roles'];
  app.get('/access-profiles', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: "The workspace's roles (access profiles), by name",
      response: { 200: Type.Object({ data: Type.Array(AccessProfile) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await profiles.listProfiles(app.db, req.ctx) }),
  });
  app.post('/access-profiles', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Define a role',
      description:
        'Per object type a scope for read, edit and delete (none, own, team, team_and_below, all) and whether create, export, import, merge and bulk edit are allowed. An object the role does not name is closed to it.',
      body: AccessProfileCreate,
      response: { 201: AccessProfile, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await app.db.transaction((tx) => profiles.createProfile(tx, req.ctx, req.body))),
  });
  app.get('/access-profiles/:id', {
    config: { permission: 'admin' },
    schema: { tags, summary: 'One role', params: IdParams, response: { 200: AccessProfile, ...errorResponses } },
    handler: async (req) => profiles.getProfile(app.db, req.ctx, req.params.id),
  });
  app.patch('/access-profiles/:id', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Change a role',
      description: "Takes effect on its members' next request.",
      params: IdParams,
      body: AccessProfileUpdate,
      response: { 200: AccessProfile, 428: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const { version, ...patch } = req.body;
      const v = expectedVersion(req, version, true);
      return app.db.transaction((tx) => profiles.updateProfile(tx, req.ctx, req.params.id, v, patch));
    },
  });
  app.delete('/access-profiles/:id', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Delete a role nobody holds',
      params: IdParams,
      response: { 200: AccessProfile, ...errorResponses },
    },
    handler: async (req) =>
      app.db.transaction((tx) => profiles.deleteProfile(tx, req.ctx, req.params.id, expectedVersion(req, undefined, false))),
  });
  app.put('/members/:id/access-profile', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Give a member a role, or none (null)',
      description: 'Owners and admins are never narrowed: giving them a role is refused (422 `role_lockout`).',
      params: IdParams,
      body: MemberProfileSet,
      response: { 200: Type.Object({ memberId: Uuid, profileId: Nullable(Uuid) }), ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => profiles.setMemberProfile(tx, req.ctx, req.params.id, req.body.profileId)),
  });
}

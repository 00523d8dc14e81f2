import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { SessionEntry, SessionParams } from '../../../contract/auth.ts';
import { IdParams } from '../../../contract/common.ts';
import { forbidden } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { listSessions, revokeOtherSessions, revokeSession, sessionsMember } from './sessions.service.ts';

/** The signed-in browser making the request: sessions are a person's, and an API key has none. */
function mySession(req: FastifyRequest) {
  if (req.ctx.actor.type !== 'member' || !req.sessionId) throw forbidden('Sessions belong to a signed-in member; API keys have none');
  return req.sessionId;
}

export async function sessionRoutes(app: App) {
  const tags = ['Auth'];
  const list = Type.Object({ data: Type.Array(SessionEntry) });

  app.get('/me/sessions', {
    config: { permission: 'read' },
    schema: { tags, summary: "Where I'm signed in: my live sessions, the current one marked", response: { 200: list, ...errorResponses } },
    handler: async (req) => ({ data: await listSessions(app.db, req.ctx, req.ctx.memberId, mySession(req)) }),
  });
  app.delete('/me/sessions/:id', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'End one of my sessions; it stops working at its next request',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      mySession(req);
      await app.db.transaction((tx) => revokeSession(tx, req.ctx, req.ctx.memberId, req.params.id));
      return reply.status(204).send(null);
    },
  });
  app.post('/me/sessions/revoke-others', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Sign out everywhere else: end every session of mine but this one',
      response: { 200: Type.Object({ revoked: Type.Integer() }), ...errorResponses },
    },
    handler: async (req) => {
      const keep = mySession(req);
      return app.db.transaction((tx) => revokeOtherSessions(tx, req.ctx, keep));
    },
  });

  const wsTags = ['Workspace'];
  app.get('/members/:id/sessions', {
    config: { permission: 'admin' },
    schema: { tags: wsTags, summary: "A member's live sessions", params: IdParams, response: { 200: list, ...errorResponses } },
    handler: async (req) => {
      await sessionsMember(app.db, req.ctx, req.params.id, 'read');
      return { data: await listSessions(app.db, req.ctx, req.params.id, req.sessionId) };
    },
  });
  app.delete('/members/:id/sessions/:sessionId', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: "End a member's session (an owner's or admin's: owners only)",
      params: SessionParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await app.db.transaction(async (tx) => {
        await sessionsMember(tx, req.ctx, req.params.id, 'revoke');
        await revokeSession(tx, req.ctx, req.params.id, req.params.sessionId);
      });
      return reply.status(204).send(null);
    },
  });
}

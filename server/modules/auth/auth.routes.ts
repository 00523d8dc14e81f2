import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import {
  AcceptInvitation,
  ApiKey,
  ApiKeyCreate,
  ApiKeyScopes,
  ChangePassword,
  ForgotPassword,
  Invitation,
  InvitationCreate,
  InvitationDetails,
  InvitationLookup,
  Member,
  MemberUpdate,
  MyProfileUpdate,
  ResetEntry,
  ResetLink,
  ResetPassword,
  SessionInfo,
  SignIn,
  SignUp,
  Workspace,
  WorkspaceUpdate,
} from '../../../contract/auth.ts';
import { IdParams, Problem } from '../../../contract/common.ts';
import { scopeObjects } from '../../http/api-scopes.ts';
import { cookieName } from '../../http/auth.ts';
import { forbidden } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, expectedVersion } from '../../records/routes.ts';
import * as admin from './admin.service.ts';
import { acceptInvitation, describeInvitation, SESSION_ABSOLUTE_MS, sessionInfo, signIn, signOut, signUp } from './auth.service.ts';
import type { ClientMeta } from './logins.ts';
import { listMembers } from './members.service.ts';
import { changeMyPassword, createResetLink, listResets, requestReset, resetPassword, revokeReset } from './reset.service.ts';

const meta = (req: FastifyRequest): ClientMeta => ({ ip: req.ip, userAgent: req.headers['user-agent'] ?? null });

export async function authRoutes(app: App) {
  const secure = app.config.baseUrl.startsWith('https://');
  const cookie = cookieName(secure);
  const setCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(cookie, token, { httpOnly: true, secure, sameSite: 'lax', path: '/', maxAge: SESSION_ABSOLUTE_MS / 1000 });

  /** After sign-in the client gets the same description as GET /auth/session. */
  const describe = async (s: { token: string; csrfToken: string; workspaceId: string; memberId: string }) =>
    sessionInfo(
      app.db,
      { workspaceId: s.workspaceId, memberId: s.memberId, actor: { type: 'member', id: s.memberId }, role: 'read-only', requestId: null },
      s.csrfToken,
    );

  const tags = ['Auth'];
  app.post('/auth/signup', {
    config: { permission: 'public', rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Create a workspace and its owner, and sign in',
      body: SignUp,
      response: { 201: SessionInfo, ...errorResponses, 429: Problem },
    },
    handler: async (req, reply) => {
      const out = await signUp(app.db, app.config, req.body, meta(req));
      const s = out.session as NonNullable<typeof out.session>;
      setCookie(reply, s.token);
      return reply.status(201).send(await describe(s));
    },
  });

  app.post('/auth/login', {
    config: { permission: 'public', rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Sign in with email and password',
      body: SignIn,
      response: { 200: SessionInfo, ...errorResponses, 429: Problem },
    },
    handler: async (req, reply) => {
      const s = await signIn(app.db, app.config, req.body, meta(req));
      setCookie(reply, s.token);
      return describe(s);
    },
  });

  app.post('/auth/accept-invitation', {
    config: { permission: 'public', rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Join a workspace with an invitation token',
      body: AcceptInvitation,
      response: { 200: SessionInfo, ...errorResponses, 429: Problem },
    },
    handler: async (req, reply) => {
      const s = await acceptInvitation(app.db, app.config, req.body, meta(req));
      setCookie(reply, s.token);
      return describe(s);
    },
  });

  // POST, not GET: the token travels in the body, never in a URL that logs and proxies keep.
  app.post('/auth/invitation-details', {
    config: { permission: 'public', rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Who invites to which workspace, as what: for the invitation page, before signing in',
      description: 'Any link that cannot be accepted (unknown, used, revoked, expired) gets the same 404.',
      body: InvitationLookup,
      response: { 200: InvitationDetails, ...errorResponses, 429: Problem },
    },
    handler: async (req) => describeInvitation(app.db, req.body.token),
  });

  app.post('/auth/logout', {
    config: { permission: 'read' },
    schema: { tags, summary: 'Sign out: the session ends on the server', response: { 204: Type.Null(), ...errorResponses } },
    handler: async (req, reply) => {
      await signOut(app.db, req.cookies[cookie]);
      reply.clearCookie(cookie, { path: '/' });
      return reply.status(204).send(null);
    },
  });

  app.get('/auth/session', {
    config: { permission: 'read' },
    schema: { tags, summary: 'Who is signed in, and the CSRF token for writes', response: { 200: SessionInfo, ...errorResponses } },
    handler: async (req) => sessionInfo(app.db, req.ctx, req.sessionCsrf ?? ''),
  });

  app.patch('/me', {
    config: { permission: 'read' },
    schema: { tags, summary: 'Change my name, language or time zone', body: MyProfileUpdate, response: { 200: Member, ...errorResponses } },
    handler: async (req) => {
      // A person's own settings: an API key acts for an integration, not as that person.
      if (req.ctx.actor.type !== 'member') throw forbidden('API keys cannot change a member profile');
      return app.db.transaction((tx) => admin.updateMyProfile(tx, req.ctx, req.body));
    },
  });

  app.post('/me/password', {
    config: { permission: 'read', rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Change my password, giving the current one; my other sessions end',
      body: ChangePassword,
      response: { 204: Type.Null(), ...errorResponses, 429: Problem },
    },
    handler: async (req, reply) => {
      if (req.ctx.actor.type !== 'member' || !req.sessionId) throw forbidden('Sign in to change your password; API keys cannot');
      await changeMyPassword(app.db, app.config, req.ctx, req.body, meta(req), req.sessionId);
      return reply.status(204).send(null);
    },
  });

  const wsTags = ['Workspace'];
  app.get('/workspace', {
    config: { permission: 'read' },
    schema: { tags: wsTags, summary: 'This workspace', response: { 200: Workspace, ...errorResponses } },
    handler: async (req) => admin.getWorkspace(app.db, req.ctx),
  });
  app.patch('/workspace', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'Rename the workspace or change its currency',
      body: WorkspaceUpdate,
      response: { 200: Workspace, 428: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const { version, ...patch } = req.body;
      const v = expectedVersion(req, version, true);
      return app.db.transaction((tx) => admin.updateWorkspace(tx, req.ctx, v, patch));
    },
  });

  app.get('/members', {
    config: { permission: 'read' },
    schema: {
      tags: wsTags,
      summary: 'Members of this workspace',
      response: { 200: Type.Object({ data: Type.Array(Member) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listMembers(app.db, req.ctx) }),
  });
  app.patch('/members/:id', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: "Change a member's role, name, or disable them",
      params: IdParams,
      body: MemberUpdate,
      response: { 200: Member, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => admin.updateMember(tx, req.ctx, req.params.id, req.body)),
  });

  app.get('/invitations', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'Open and accepted invitations',
      response: { 200: Type.Object({ data: Type.Array(Invitation) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await admin.listInvitations(app.db, req.ctx) }),
  });
  app.post('/invitations', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'Invite someone; the response holds the single-use link token (until email exists)',
      body: InvitationCreate,
      response: { 201: Invitation, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await app.db.transaction((tx) => admin.createInvitation(tx, req.ctx, req.body))),
  });
  app.delete('/invitations/:id', {
    config: { permission: 'admin' },
    schema: { tags: wsTags, summary: 'Revoke an invitation', params: IdParams, response: { 200: Invitation, ...errorResponses } },
    handler: async (req) => app.db.transaction((tx) => admin.revokeInvitation(tx, req.ctx, req.params.id)),
  });

  app.get('/api-keys', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'API keys (never the keys themselves)',
      response: { 200: Type.Object({ data: Type.Array(ApiKey) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await admin.listApiKeys(app.db, req.ctx) }),
  });
  app.post('/api-keys', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'Create an API key; the key is shown in this response only',
      body: ApiKeyCreate,
      response: { 201: ApiKey, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await app.db.transaction((tx) => admin.createApiKey(tx, req.ctx, req.body, scopeObjects(app.routeTable)))),
  });
  app.get('/api-keys/scopes', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'The objects an API key can be scoped to, each as `<object>:read` or `<object>:write`',
      response: { 200: ApiKeyScopes, ...errorResponses },
    },
    handler: async () => ({ objects: scopeObjects(app.routeTable) }),
  });
  app.delete('/api-keys/:id', {
    config: { permission: 'admin' },
    schema: { tags: wsTags, summary: 'Revoke an API key, at once', params: IdParams, response: { 200: ApiKey, ...errorResponses } },
    handler: async (req) => app.db.transaction((tx) => admin.revokeApiKey(tx, req.ctx, req.params.id)),
  });

  app.post('/auth/forgot-password', {
    config: { permission: 'public', rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Ask for a password reset: admins of your workspaces can then make you a reset link',
      description: 'The answer is the same whether or not the email has a login.',
      body: ForgotPassword,
      response: { 202: Type.Object({ accepted: Type.Boolean() }), ...errorResponses, 429: Problem },
    },
    handler: async (req, reply) => {
      await requestReset(app.db, req.body.email, meta(req));
      return reply.status(202).send({ accepted: true });
    },
  });
  app.post('/auth/reset-password', {
    config: { permission: 'public', rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Set a new password with a reset link; every session of that login ends',
      body: ResetPassword,
      response: { 204: Type.Null(), ...errorResponses, 429: Problem },
    },
    handler: async (req, reply) => {
      await resetPassword(app.db, app.config, req.body, meta(req));
      return reply.status(204).send(null);
    },
  });
  app.get('/password-resets', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'Open password reset requests and live reset links',
      response: { 200: Type.Object({ data: Type.Array(ResetEntry) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listResets(app.db, req.ctx) }),
  });
  app.delete('/password-resets/:id', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'Revoke a reset link (it stops working at once) or dismiss a request',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await app.db.transaction((tx) => revokeReset(tx, req.ctx, req.params.id));
      return reply.status(204).send(null);
    },
  });
  app.post('/members/:id/password-reset', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'Make a single-use password reset link for a member (shown once, valid 24 hours)',
      params: IdParams,
      response: { 201: ResetLink, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await app.db.transaction((tx) => createResetLink(tx, req.ctx, req.params.id))),
  });
}

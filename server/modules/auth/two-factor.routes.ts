import Type from 'typebox';
import { SessionInfo } from '../../../contract/auth.ts';
import { IdParams, Problem } from '../../../contract/common.ts';
import {
  ChallengeBody,
  ChallengeCode,
  EnrolledSession,
  RecoveryCodes,
  TwoFactorCode,
  TwoFactorSetup,
  TwoFactorStatus,
  WorkspaceSecurity,
  WorkspaceSecurityUpdate,
} from '../../../contract/two-factor.ts';
import type { Ctx } from '../../http/context.ts';
import { forbidden } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { clientMeta, sessionCookies } from './session-cookie.ts';
import {
  confirmEnrolment,
  disableTwoFactor,
  getSecurity,
  renewRecoveryCodes,
  resetMemberTwoFactor,
  setRequireTwoFactor,
  startEnrolment,
  twoFactorStatus,
} from './two-factor.service.ts';
import { completeTwoFactor, enrolmentConfirm, enrolmentSetup } from './two-factor-signin.ts';

/** A person's own authenticator: an API key acts for an integration, not as that person. */
function me(ctx: Ctx) {
  if (ctx.actor.type !== 'member') throw forbidden('Two-factor sign-in belongs to a member; API keys cannot change it');
  return { workspaceId: ctx.workspaceId, memberId: ctx.memberId };
}

export async function twoFactorRoutes(app: App) {
  const { setCookie, describe } = sessionCookies(app);
  const tags = ['Auth'];
  const limited = { rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } };

  app.post('/auth/two-factor', {
    config: { permission: 'public', ...limited },
    schema: {
      tags,
      summary: 'Finish signing in with the code from the authenticator app, or a recovery code',
      description: 'Takes the `challenge` of the 401 `two_factor_required` answer of POST /auth/login. Five tries per challenge.',
      body: ChallengeCode,
      response: { 200: SessionInfo, ...errorResponses, 429: Problem },
    },
    handler: async (req, reply) => {
      const s = await completeTwoFactor(app.db, req.body.challenge, req.body.code, clientMeta(req));
      setCookie(reply, s.token);
      return describe(s);
    },
  });
  app.post('/auth/two-factor/enrol', {
    config: { permission: 'public', ...limited },
    schema: {
      tags,
      summary: 'Set up two-factor sign-in while signing in, when the workspace requires it',
      description: 'Takes the `challenge` of the 401 `two_factor_enrolment_required` answer of POST /auth/login.',
      body: ChallengeBody,
      response: { 200: TwoFactorSetup, ...errorResponses, 429: Problem },
    },
    handler: async (req) => enrolmentSetup(app.db, req.body.challenge),
  });
  app.post('/auth/two-factor/enrol/confirm', {
    config: { permission: 'public', ...limited },
    schema: {
      tags,
      summary: 'Confirm that enrolment with a first code and sign in; the recovery codes are shown in this answer only',
      body: ChallengeCode,
      response: { 200: EnrolledSession, ...errorResponses, 429: Problem },
    },
    handler: async (req, reply) => {
      const out = await enrolmentConfirm(app.db, req.body.challenge, req.body.code, clientMeta(req));
      setCookie(reply, out.session.token);
      return { session: await describe(out.session), recoveryCodes: out.recoveryCodes };
    },
  });

  app.get('/me/two-factor', {
    config: { permission: 'read' },
    schema: { tags, summary: 'Whether my two-factor sign-in is on', response: { 200: TwoFactorStatus, ...errorResponses } },
    handler: async (req) => twoFactorStatus(app.db, me(req.ctx)),
  });
  app.post('/me/two-factor/setup', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Start setting up two-factor sign-in: a new secret, in force once confirmed with a code',
      response: { 200: TwoFactorSetup, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => startEnrolment(tx, me(req.ctx))),
  });
  app.post('/me/two-factor/confirm', {
    config: { permission: 'read', ...limited },
    schema: {
      tags,
      summary: 'Turn two-factor sign-in on with a first code; the recovery codes are shown in this answer only',
      body: TwoFactorCode,
      response: { 200: RecoveryCodes, ...errorResponses, 429: Problem },
    },
    handler: async (req) => app.db.transaction((tx) => confirmEnrolment(tx, req.ctx, me(req.ctx), req.body.code)),
  });
  app.post('/me/two-factor/disable', {
    config: { permission: 'read', ...limited },
    schema: {
      tags,
      summary: 'Turn two-factor sign-in off with a current code',
      body: TwoFactorCode,
      response: { 204: Type.Null(), ...errorResponses, 429: Problem },
    },
    handler: async (req, reply) => {
      await app.db.transaction((tx) => disableTwoFactor(tx, req.ctx, me(req.ctx), req.body.code));
      return reply.status(204).send(null);
    },
  });

  app.post('/me/two-factor/recovery-codes', {
    config: { permission: 'read', ...limited },
    schema: {
      tags,
      summary: 'New recovery codes, given a current code from the app; the old ones stop working, the new are shown in this answer only',
      body: TwoFactorCode,
      response: { 200: RecoveryCodes, ...errorResponses, 429: Problem },
    },
    handler: async (req) => app.db.transaction((tx) => renewRecoveryCodes(tx, req.ctx, me(req.ctx), req.body.code)),
  });
  app.post('/members/:id/two-factor/reset', {
    config: { permission: 'admin' },
    schema: {
      tags: ['Workspace'],
      summary: "Reset a member's two-factor sign-in (a lost phone): their app and recovery codes stop working and their sessions end",
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await app.db.transaction((tx) => resetMemberTwoFactor(tx, req.ctx, req.params.id));
      return reply.status(204).send(null);
    },
  });

  app.get('/workspace/security', {
    config: { permission: 'admin' },
    schema: { tags: ['Workspace'], summary: 'Sign-in rules of this workspace', response: { 200: WorkspaceSecurity, ...errorResponses } },
    handler: async (req) => getSecurity(app.db, req.ctx),
  });
  app.put('/workspace/security', {
    config: { permission: 'admin' },
    schema: {
      tags: ['Workspace'],
      summary: 'Require two-factor sign-in of password users (those without it set it up at their next sign-in)',
      body: WorkspaceSecurityUpdate,
      response: { 200: WorkspaceSecurity, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => setRequireTwoFactor(tx, req.ctx, req.body.requireTwoFactor)),
  });
}

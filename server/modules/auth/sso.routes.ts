import Type from 'typebox';
import { Nullable, Problem } from '../../../contract/common.ts';
import { SsoCallbackQuery, SsoConfig, SsoConfigInput, SsoRedirect, SsoStart } from '../../../contract/sso.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { CHALLENGE_TTL_MS } from './challenges.ts';
import { clientMeta, sessionCookies } from './session-cookie.ts';
import { deleteSsoConfig, finishSso, getSsoConfig, SsoError, saveSsoConfig, startSso } from './sso.service.ts';

/** Binds an SSO sign-in to the browser that started it: the callback's state must equal this cookie (no login CSRF). */
const STATE_COOKIE = 'rapport_sso_state';
const STATE_PATH = '/api/v1/auth/sso';

export async function ssoRoutes(app: App) {
  const { setCookie } = sessionCookies(app);
  const secure = app.config.baseUrl.startsWith('https://');
  const tags = ['Auth'];

  app.post('/auth/sso/start', {
    config: { permission: 'public', rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Start single sign-on for an email address: the URL of its workspace’s provider to send the browser to',
      description: 'The workspace is found by the email’s domain. 404 `sso_not_configured` when no workspace serves it.',
      body: SsoStart,
      response: { 200: SsoRedirect, ...errorResponses, 429: Problem },
    },
    handler: async (req, reply) => {
      const out = await startSso(app.db, app.config, req.body.email, clientMeta(req));
      reply.setCookie(STATE_COOKIE, out.state, {
        httpOnly: true,
        secure,
        sameSite: 'lax',
        path: STATE_PATH,
        maxAge: CHALLENGE_TTL_MS / 1000,
      });
      return { redirectUrl: out.redirectUrl };
    },
  });

  app.get('/auth/sso/callback', {
    config: { permission: 'public', rateLimit: { max: app.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags,
      summary: 'Where the provider sends the browser back: signs in and redirects to the app',
      description:
        'A refused sign-in redirects to /signin?sso_error=<code> (sso_wrong_issuer, sso_bad_signature, sso_code_rejected, sso_wrong_nonce, sso_state_invalid, …).',
      querystring: SsoCallbackQuery,
      response: { 302: Type.Null() },
    },
    handler: async (req, reply) => {
      const url = new URL(req.url, app.config.baseUrl);
      reply.clearCookie(STATE_COOKIE, { path: STATE_PATH });
      try {
        const s = await finishSso(app.db, url, req.cookies[STATE_COOKIE], clientMeta(req));
        setCookie(reply, s.token);
        return reply.redirect('/', 302);
      } catch (e) {
        if (!(e instanceof SsoError)) throw e;
        req.log.warn({ code: e.code, reason: e.message }, 'single sign-on refused');
        return reply.redirect(`/signin?sso_error=${encodeURIComponent(e.code)}`, 302);
      }
    },
  });

  const wsTags = ['Workspace'];
  app.get('/workspace/sso', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'The single sign-on provider of this workspace (never its client secret)',
      response: { 200: Type.Object({ config: Nullable(SsoConfig), redirectUri: Type.String() }), ...errorResponses },
    },
    handler: async (req) => getSsoConfig(app.db, req.ctx, app.config),
  });
  app.put('/workspace/sso', {
    config: { permission: 'admin' },
    schema: {
      tags: wsTags,
      summary: 'Set up single sign-on (OpenID Connect); the issuer’s discovery document is read before saving',
      description: 'An issuer that cannot be reached, or that names another issuer, is refused with 422 naming `body.issuer`.',
      body: SsoConfigInput,
      response: { 200: SsoConfig, ...errorResponses },
    },
    handler: async (req) => saveSsoConfig(app.db, req.ctx, app.config, req.body),
  });
  app.delete('/workspace/sso', {
    config: { permission: 'admin' },
    schema: { tags: wsTags, summary: 'Turn single sign-on off', response: { 204: Type.Null(), ...errorResponses } },
    handler: async (req, reply) => {
      await app.db.transaction((tx) => deleteSsoConfig(tx, req.ctx));
      return reply.status(204).send(null);
    },
  });
}

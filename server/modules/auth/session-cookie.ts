import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieName } from '../../http/auth.ts';
import type { App } from '../../http/typed-app.ts';
import { SESSION_ABSOLUTE_MS, sessionInfo } from './auth.service.ts';
import type { ClientMeta } from './logins.ts';

export const clientMeta = (req: FastifyRequest): ClientMeta => ({ ip: req.ip, userAgent: req.headers['user-agent'] ?? null });

/** What every sign-in route (password, second factor, SSO) does with a new session: the cookie, and the session's description. */
export function sessionCookies(app: App) {
  const secure = app.config.baseUrl.startsWith('https://');
  const cookie = cookieName(secure);
  const setCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(cookie, token, { httpOnly: true, secure, sameSite: 'lax', path: '/', maxAge: SESSION_ABSOLUTE_MS / 1000 });
  const describe = async (s: { csrfToken: string; workspaceId: string; memberId: string }) =>
    sessionInfo(
      app.db,
      { workspaceId: s.workspaceId, memberId: s.memberId, actor: { type: 'member', id: s.memberId }, role: 'read-only', requestId: null },
      s.csrfToken,
    );
  return { cookie, setCookie, describe };
}

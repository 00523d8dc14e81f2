import { timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { logSecurityEvent } from '../modules/audit/security-log.ts';
import { resolveSession } from '../modules/auth/auth.service.ts';
import { apiKeys, members } from '../modules/auth/auth.table.ts';
import { ipAllowed } from '../modules/auth/ip-ranges.ts';
import { parseApiKey } from '../modules/auth/tokens.ts';
import { resolveAccess } from '../modules/teams/access.service.ts';
import { scopeFor, scopesAllow } from './api-scopes.ts';
import { type Ctx, lowerRole, type Permission, roleAllows } from './context.ts';
import { AppError, forbidden, unauthorized } from './errors.ts';
import type { App } from './typed-app.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every /api route: an `onRoute` hook refuses to start the server without it. */
    permission?: Permission;
  }
  interface FastifyRequest {
    ctx: Ctx;
    /** Set when the request came with a session cookie; the CSRF token of that session. */
    sessionCsrf: string | null;
    /** Set when the request came with a session cookie: that session's id. */
    sessionId: string | null;
  }
}

export const cookieName = (secure: boolean) => (secure ? '__Host-sid' : 'sid');

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Refuses cross-site writes that ride on the cookie: a browser says where a request came from in
 * Sec-Fetch-Site (or at least Origin). Applies to sign-in too (login CSRF).
 */
function checkSameOrigin(req: FastifyRequest, baseUrl: string) {
  const site = req.headers['sec-fetch-site'];
  // Only our own pages (same-origin) or a typed URL / bookmark (none) may write with the cookie;
  // a sibling subdomain (same-site) is another application.
  if (site && site !== 'same-origin' && site !== 'none') throw forbidden('Cross-site requests are refused');
  const origin = req.headers.origin;
  if (!site && origin && origin !== new URL(baseUrl).origin) throw forbidden('Requests from another origin are refused');
}

/** Authenticates every /api request and enforces the route's declared permission (deny by default). */
export function registerAuth(app: App, opts: { baseUrl: string }) {
  const secure = opts.baseUrl.startsWith('https://');
  const cookie = cookieName(secure);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1') && !route.config?.permission) {
      throw new Error(`${route.method} ${route.url} declares no config.permission`);
    }
  });
  app.decorateRequest('ctx', null as unknown as Ctx);
  app.decorateRequest('sessionCsrf', null);
  app.decorateRequest('sessionId', null);

  // Every refusal of a signed-in member or a key is a security event, wherever it was decided: the
  // route's role check above, an API key's scope or IP allow-list, or a service's own rule (a record
  // out of the role's reach, an owner-only action). One place, so that a new rule is logged without
  // anyone remembering to. Written on its own connection: the request's transaction, if any, was
  // rolled back by the refusal.
  app.addHook('onError', async (req: FastifyRequest, _reply: FastifyReply, error: Error) => {
    if (!(error instanceof AppError) || error.status !== 403 || !req.ctx) return;
    await logSecurityEvent(app.db, req.ctx, 'permission.denied', null, {
      method: req.method,
      route: req.routeOptions.url ?? req.url.split('?')[0],
      code: error.code,
      reason: error.message,
      role: req.ctx.role,
      needed: req.routeOptions.config?.permission,
      ...(typeof error.extra.missingScope === 'string' ? { missingScope: error.extra.missingScope } : {}),
    }).catch((err: unknown) => req.log.error({ err }, 'could not log a refused request'));
  });

  app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
    const permission = req.routeOptions.config?.permission;
    if (!permission) return;
    if (permission === 'public') {
      if (unsafe.has(req.method)) checkSameOrigin(req, opts.baseUrl);
      return;
    }
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Bearer (\S+)$/.exec(auth);
      const parsed = parseApiKey(m?.[1]);
      if (!parsed) throw unauthorized('The API key is malformed');
      // One round trip: the key and whether the member who made it is still active.
      const [found] = await app.db
        .select({ key: apiKeys, creatorDisabledAt: members.disabledAt, creatorRole: members.role })
        .from(apiKeys)
        .innerJoin(members, and(eq(members.workspaceId, apiKeys.workspaceId), eq(members.id, apiKeys.createdBy)))
        .where(and(eq(apiKeys.workspaceId, parsed.workspaceId), eq(apiKeys.tokenHash, parsed.hash)));
      const key = found?.key;
      if (!key || key.revokedAt) throw unauthorized('The API key is unknown or revoked');
      // Its holder may learn that it expired (and when): they hold the key, and know to ask for a new one.
      if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) {
        throw new AppError(401, 'api_key_expired', `The API key expired at ${key.expiresAt.toISOString()}`);
      }
      if (found.creatorDisabledAt) throw unauthorized('The member who made this API key is disabled');
      req.ctx = {
        workspaceId: key.workspaceId,
        memberId: key.createdBy,
        actor: { type: 'api_key', id: key.id },
        // A key never outranks the member who made it, as they are now: a demoted admin's admin key
        // drops to their new role at once.
        role: lowerRole(key.role, found.creatorRole),
        requestId: req.id,
        ip: req.ip,
      };
      // The context is set before these refusals so that the security log names the key refused.
      if (!ipAllowed(req.ip, key.allowedIps)) {
        throw new AppError(403, 'ip_not_allowed', `This API key may not be used from ${req.ip}`);
      }
      const scope = scopeFor(req.method, req.routeOptions.url ?? req.url);
      if (!scopesAllow(key.scopes, scope)) {
        throw new AppError(403, 'missing_scope', `This API key lacks the scope ${scope}`, [], { missingScope: scope });
      }
      if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
        await app.db
          .update(apiKeys)
          .set({ lastUsedAt: sql`now()` })
          .where(and(eq(apiKeys.workspaceId, key.workspaceId), eq(apiKeys.id, key.id)));
      }
    } else {
      const found = await resolveSession(app.db, req.cookies[cookie]);
      if (!found) throw unauthorized();
      if (unsafe.has(req.method)) {
        checkSameOrigin(req, opts.baseUrl);
        const sent = req.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !sameToken(sent, found.session.csrfToken)) {
          throw new AppError(403, 'csrf_failed', 'Missing or wrong X-CSRF-Token header (GET /api/v1/auth/session gives it)');
        }
      }
      req.sessionCsrf = found.session.csrfToken;
      req.sessionId = found.session.id;
      req.ctx = {
        workspaceId: found.member.workspaceId,
        memberId: found.member.id,
        actor: { type: 'member', id: found.member.id },
        role: found.member.role,
        requestId: req.id,
        ip: req.ip,
      };
    }
    if (!roleAllows(req.ctx.role, permission)) {
      throw forbidden();
    }
    // Owners and admins are never narrowed by a profile; the others' is read once, here, and every
    // query of the request reuses it (records/visibility.ts).
    if (req.ctx.role === 'member' || req.ctx.role === 'read-only') {
      const access = await resolveAccess(app.db, req.ctx.workspaceId, req.ctx.memberId);
      if (access) req.ctx.access = access;
    }
  });
}

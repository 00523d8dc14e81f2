import Type from 'typebox';
import { notFound } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { recordTracking } from './tracking.service.ts';
import { PIXEL, verifyTrackToken } from './tracking.ts';

const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) }, { additionalProperties: false });

/**
 * The open and click routes of tracked emails, outside /api: a recipient's mail client calls them
 * with no credentials, the signed token in the path (tracking.ts) is all they carry. Rate-limited
 * per address like the other public routes.
 */
export async function trackingRoutes(app: App) {
  app.get('/t/o/:token', {
    config: { permission: 'public', rateLimit: { max: 300, timeWindow: '1 minute' } },
    schema: { hide: true, params: TokenParams },
    handler: async (req, reply) => {
      // Whatever the token, the answer is the same image: a scanner learns nothing from it.
      const target = verifyTrackToken(req.params.token);
      if (target?.kind === 'open') {
        await app.db
          .transaction((tx) => recordTracking(tx, target, req.headers['user-agent']))
          .catch((err) => req.log.warn({ err }, 'email open not recorded'));
      }
      return reply
        .header('content-type', 'image/gif')
        .header('cache-control', 'no-store, no-cache, must-revalidate, private')
        .header('x-robots-tag', 'noindex')
        .send(PIXEL);
    },
  });
  app.get('/t/c/:token', {
    config: { permission: 'public', rateLimit: { max: 300, timeWindow: '1 minute' } },
    schema: { hide: true, params: TokenParams },
    handler: async (req, reply) => {
      const target = verifyTrackToken(req.params.token);
      // Only to the URL stored for this email and link number: never one the request names.
      const done =
        target?.kind === 'click' ? await app.db.transaction((tx) => recordTracking(tx, target, req.headers['user-agent'])) : null;
      if (!done?.url) throw notFound('Link');
      return reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex').redirect(done.url, 302);
    },
  });
}

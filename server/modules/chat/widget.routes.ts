import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { VisitorMessage, VisitorOfflineMessage, VisitorStart } from '../../../contract/chat.ts';
import { Uuid } from '../../../contract/common.ts';
import { HelpCentreSlug } from '../../../contract/knowledge.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { workspaceBySlug } from '../workspaces/workspaces.service.ts';
import { ChatHub } from './chat.hub.ts';
import { agentsOnline, messagesAfter, postVisitorMessage, startConversation, visitorConversation } from './chat.service.ts';
import { offlineMessageToTicket } from './chat-ticket.service.ts';
import { openStream, sse } from './sse.ts';

/** Where the widget's build lands (web/widget/vite.config.ts); `npm start` and the e2e setup build it. */
const widgetFile = fileURLToPath(new URL('../../../web/dist/widget/chat.js', import.meta.url));

/**
 * What any website may call: the widget's pages post here from their own origin. No cookies and no
 * credentials, so CORS may answer `*`; the visitor is whoever holds the conversation's token.
 */
const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST',
  'access-control-allow-headers': 'content-type, x-chat-token',
  'access-control-max-age': '600',
  // Helmet's same-origin policy would stop another site's page from using the answers.
  'cross-origin-resource-policy': 'cross-origin',
};

const Token = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The token the widget got when the conversation started' });
const TokenHeaders = Type.Object({ 'x-chat-token': Token });
const SiteParams = Type.Object({ slug: HelpCentreSlug }, { additionalProperties: false });
const ConversationParams = Type.Object({ slug: HelpCentreSlug, id: Uuid }, { additionalProperties: false });
const AfterQuery = Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false });
const StreamQuery = Type.Object(
  { after: Type.Optional(Type.Integer({ minimum: 0 })), seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 300 })) },
  { additionalProperties: false },
);

const visitorKey = (req: FastifyRequest) => `chat-visitor:${String(req.headers['x-chat-token'] ?? '').slice(0, 64)}`;

/**
 * The public side of live chat, outside /api: the widget script and the calls it makes. These routes
 * declare no `permission`: a `public` one refuses writes from other origins (server/http/auth.ts),
 * which protects cookie-carrying forms, and the widget's posts come from other origins by design.
 * Nothing here reads a cookie or a session; the conversation's token is the only credential.
 */
export async function chatWidgetRoutes(app: App) {
  const hub = new ChatHub(app.database, app.database.kind === 'pglite' ? 1_000 : 2_000);
  const ends = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of ends) end();
    await hub.close();
  });
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/chat/')) reply.headers(corsHeaders);
  });
  // Flood control per visitor, on top of each route's limit per address: one chatty tab cannot use up
  // the allowance of everyone behind the same address, nor one address hold many tokens' worth.
  // (A second limit on a route: @fastify/rate-limit runs one handler per request, so this one is checked by hand.)
  const visitorLimit = app.createRateLimit({ max: 20, timeWindow: '1 minute', keyGenerator: visitorKey });
  const perVisitor = async (req: FastifyRequest, reply: FastifyReply) => {
    const limit = await visitorLimit(req);
    if (limit.isAllowed || !limit.isExceeded) return;
    reply.header('retry-after', limit.ttlInSeconds);
    throw new AppError(429, 'rate_limited', `Too many messages; try again in ${limit.ttlInSeconds} s`);
  };

  const site = async (slug: string) => {
    const w = await workspaceBySlug(app.db, slug);
    if (!w) throw notFound('Chat');
    return w.id;
  };

  app.get('/chat/widget.js', {
    schema: { hide: true },
    handler: async (_req, reply) => {
      if (!existsSync(widgetFile)) throw notFound('The widget is not built (npm run build:web); widget');
      return reply
        .header('content-type', 'application/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(readFileSync(widgetFile));
    },
  });

  // The preflight of the widget's JSON posts and token header.
  app.options('/chat/:slug/*', { schema: { hide: true } }, async (_req, reply) => reply.code(204).send());

  app.get('/chat/:slug/status', {
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: { hide: true, params: SiteParams },
    handler: async (req) => ({ online: await agentsOnline(app.db, await site(req.params.slug)) }),
  });

  app.post('/chat/:slug/conversations', {
    config: { rateLimit: { max: 10, timeWindow: '10 minutes' } },
    schema: { hide: true, params: SiteParams, body: VisitorStart },
    handler: async (req, reply) => {
      const workspaceId = await site(req.params.slug);
      const token = randomBytes(32).toString('base64url');
      const started = await app.db.transaction((tx) => startConversation(tx, workspaceId, token, req.body));
      return reply.code(201).send({ id: started.conversation.id, token, messages: [started.message] });
    },
  });

  app.get('/chat/:slug/conversations/:id', {
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: { hide: true, params: ConversationParams, headers: TokenHeaders, querystring: AfterQuery },
    handler: async (req) => {
      const conv = await visitorConversation(app.db, await site(req.params.slug), req.params.id, req.headers['x-chat-token']);
      return { status: conv.status, messages: await messagesAfter(app.db, conv.workspaceId, conv.id, req.query.after ?? 0) };
    },
  });

  app.post('/chat/:slug/conversations/:id/messages', {
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    preHandler: perVisitor,
    schema: { hide: true, params: ConversationParams, headers: TokenHeaders, body: VisitorMessage },
    handler: async (req, reply) => {
      const workspaceId = await site(req.params.slug);
      const message = await app.db.transaction(async (tx) =>
        postVisitorMessage(tx, await visitorConversation(tx, workspaceId, req.params.id, req.headers['x-chat-token']), req.body.body),
      );
      return reply.code(201).send(message);
    },
  });

  app.get('/chat/:slug/conversations/:id/stream', {
    // A widget reconnects about once a minute; an office of visitors behind one address stays well under this.
    config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    schema: { hide: true, params: ConversationParams, headers: TokenHeaders, querystring: StreamQuery },
    handler: async (req, reply) => {
      const conv = await visitorConversation(app.db, await site(req.params.slug), req.params.id, req.headers['x-chat-token']);
      const seconds = req.query.seconds ?? 60;
      let after = req.query.after ?? 0;
      let status = conv.status;
      let unsubscribe = () => {};
      reply.hijack();
      const stream = openStream(reply.raw, ends, seconds, () => unsubscribe(), corsHeaders);
      let reading = false;
      let again = false;
      // Sends the messages after the last one sent, in seq order, and `closed` once the agent ends it.
      const look = async () => {
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        try {
          do {
            again = false;
            for (const m of await messagesAfter(app.db, conv.workspaceId, conv.id, after)) {
              after = m.seq;
              stream.write(sse('message', m));
            }
            if (status === 'open') {
              const now = await visitorConversation(app.db, conv.workspaceId, conv.id, req.headers['x-chat-token']);
              if (now.status === 'closed') {
                status = 'closed';
                stream.write(sse('closed', {}));
              }
            }
          } while (again && !stream.isEnded());
        } catch {
          // Retried on the next wake.
        } finally {
          reading = false;
        }
      };
      if (seconds > 0) unsubscribe = await hub.subscribe(() => void look());
      await look();
      stream.write(`retry: 1000\n${sse('ready', { seconds })}`);
      if (seconds === 0) stream.end();
    },
  });

  app.post('/chat/:slug/offline', {
    config: { rateLimit: { max: 5, timeWindow: '10 minutes' } },
    schema: { hide: true, params: SiteParams, body: VisitorOfflineMessage },
    handler: async (req, reply) => {
      const workspaceId = await site(req.params.slug);
      await app.db.transaction((tx) => offlineMessageToTicket(tx, workspaceId, req.body));
      // The visitor learns that it arrived, not the ticket's number or id: those are the workspace's.
      return reply.code(201).send({ received: true });
    },
  });
}

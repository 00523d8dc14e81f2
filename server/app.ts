import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import type { Database, Db } from './db/client.ts';
import { registerAuth } from './http/auth.ts';
import type { Permission } from './http/context.ts';
import { AppError, errorHandler, sendProblem } from './http/errors.ts';
import { readiness } from './http/health.ts';
import { databaseRateLimitStore } from './http/rate-limit-store.ts';
import { validatorCompiler } from './http/validation.ts';
import { icalRoutes } from './modules/calendar/calendar.routes.ts';
import { chatWidgetRoutes } from './modules/chat/widget.routes.ts';
import { trackingRoutes } from './modules/email/tracking.routes.ts';
import { helpCentreRoutes } from './modules/knowledge/help-centre.routes.ts';
import { portalRoutes } from './modules/portal/portal.routes.ts';
import { wireRecordEngine } from './modules/registry.ts';
import { moduleRoutes } from './modules/routes.ts';
import { registerFieldRules } from './records/field-rules.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    database: Database;
    config: Config;
    /** Every route with its declared permission, for the generated authorisation tests. */
    routeTable: { method: string; url: string; permission: Permission }[];
    /**
     * Every route outside /api/v1 (the help centre, the portal, the chat widget's calls), for the
     * generated tenancy test of the public surfaces (server/test/public-tenancy.test.ts).
     */
    pageTable: { method: string; url: string }[];
  }
}

/** What must never reach a log line (SECURITY §5). */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.key',
];

export async function buildApp(config: Config, database: Database, opts: { logger?: FastifyServerOptions['logger'] } = {}) {
  wireRecordEngine();
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel, redact: { paths: redactPaths, censor: '[redacted]' } },
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    requestTimeout: 60_000,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('db', database.db);
  app.decorate('database', database);
  app.decorate('config', config);
  app.decorate('routeTable', []);
  app.decorate('pageTable', []);
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  // The web app is a single page: any GET outside /api that names no file gets index.html and the
  // client router decides. /api keeps answering problem+json 404s.
  const webDist = fileURLToPath(new URL('../web/dist', import.meta.url));
  const serveWeb = existsSync(`${webDist}/index.html`);
  const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  app.setNotFoundHandler((req, reply) => {
    if (serveWeb && (req.method === 'GET' || req.method === 'HEAD') && !req.url.startsWith('/api')) {
      return sendIndex(reply);
    }
    return sendProblem(reply, req, new AppError(404, 'route_not_found', `No route ${req.method} ${req.url.split('?')[0]}`));
  });

  let addingWebFiles = false;
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const permission = route.config?.permission;
    if (!route.url.startsWith('/api/')) {
      // The web app's own files (its build, one route per file) hold no workspace data.
      if (addingWebFiles) return;
      for (const method of methods) if (method !== 'HEAD' && method !== 'OPTIONS') app.pageTable.push({ method, url: route.url });
      return;
    }
    if (!permission || !route.url.startsWith('/api/v1')) return;
    for (const method of methods) if (method !== 'HEAD') app.routeTable.push({ method, url: route.url, permission });
  });
  // During shutdown, responses still in flight close their connection: otherwise a kept-alive
  // socket holds app.close() open until the grace period ends.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (closing) reply.header('connection', 'close');
    if (req.url.startsWith('/api/v1')) reply.header('cache-control', 'no-store');
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // No remote images: an email's are shown in its own framed document, under its own CSP
        // (server/modules/email/frame.ts). data: for contact photos.
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    hsts: config.baseUrl.startsWith('https://'),
  });
  await app.register(rateLimit, {
    global: false,
    store: databaseRateLimitStore(database) as never,
    errorResponseBuilder: (_req, ctx) =>
      new AppError(429, 'rate_limited', `Too many requests; try again in ${Math.ceil(ctx.ttl / 1000)} s`),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Rapport API',
        version: '1',
        description:
          'The Rapport CRM API. Authenticate with a session cookie (web app; send X-CSRF-Token on writes) or `Authorization: Bearer rpk_…` (API keys). Errors are RFC 9457 problem+json. Lists take `filter` (JSON), `sort`, `fields`, `limit` and `cursor`.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, rpk_…' },
          session: { type: 'apiKey', in: 'cookie', name: 'sid' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, transformStaticCSP: (h) => h });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/api/health', { schema: { hide: true } }, async () => {
    await database.query('select 1');
    return { ok: true };
  });
  // For an orchestrator or a load balancer: alive (the process answers, whatever its database does),
  // and ready (the database answers and holds this build's migrations).
  app.get('/health', { schema: { hide: true } }, async (_req, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (_req, reply) => {
    const r = await readiness(database);
    return reply
      .code(r.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(r.ready ? { status: 'ready' } : { status: 'not ready', reason: r.reason });
  });

  if (serveWeb) {
    addingWebFiles = true;
    await app.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      wildcard: false,
      index: false,
      // Vite puts a content hash in every asset name, so files may be cached for good; index.html may not.
      maxAge: '365d',
      immutable: true,
    });
    app.get('/', { schema: { hide: true } }, (_req, reply) => sendIndex(reply));
    addingWebFiles = false;
  }

  if (config.benchRoutes) await app.register((await import('../bench/raw-routes.ts')).benchRoutes);
  registerAuth(app, { baseUrl: config.baseUrl });
  registerFieldRules(app);
  await app.register(moduleRoutes, { prefix: '/api/v1' });
  await app.register(icalRoutes);
  await app.register(trackingRoutes);
  await app.register(helpCentreRoutes);
  await app.register(chatWidgetRoutes);
  await app.register(portalRoutes);
  return app;
}

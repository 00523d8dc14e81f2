import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';

/**
 * The Fastify instance buildApp makes (`withTypeProvider<TypeBoxTypeProvider>()`). Route plugins
 * take this rather than a plain FastifyInstance so that a handler's `req.body`, `req.query` and
 * `req.params` are the `Static` types of the schemas the route declares, not `unknown`.
 */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

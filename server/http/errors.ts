import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** One entry per offending field; `field` is a dotted path into the request (`body.emails.0.value`). */
export interface FieldError {
  field: string;
  code: string;
  message: string;
  /** What a client needs to word the error in its own language (`limit`, `format`, `type`, `allowedValues`). */
  params?: Record<string, unknown>;
}

/** The one error type services throw; the error handler turns it into RFC 9457 problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'Record') => new AppError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'Your role does not allow this') => new AppError(403, 'forbidden', message);
export const unauthorized = (message = 'Sign in or send an API key') => new AppError(401, 'unauthorized', message);
export const conflict = (code: string, message: string, extra: Record<string, unknown> = {}) => new AppError(409, code, message, [], extra);
/** Well-formed input that breaks a rule of the domain (unknown stage, custom field of wrong type). */
export const invalid = (errors: FieldError[], message = 'Some fields are invalid') => new AppError(422, 'invalid_fields', message, errors);
/** Malformed input: the request itself cannot be understood (bad filter syntax, bad cursor). */
export const badRequest = (field: string, code: string, message: string) =>
  new AppError(400, 'bad_request', message, [{ field, code, message }]);

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: AppError) {
  return reply
    .status(err.status)
    .type('application/problem+json')
    .send({
      type: `https://rapport.dev/problems/${err.code}`,
      title: titles[err.status] ?? 'Error',
      status: err.status,
      code: err.code,
      detail: err.message,
      instance: req.url.split('?')[0],
      requestId: req.id,
      ...(err.errors.length ? { errors: err.errors } : {}),
      ...err.extra,
    });
}

/** Ajv's instancePath `/emails/0/value` + context `body` → `body.emails.0.value`. */
function ajvField(context: string, e: { instancePath: string; params?: Record<string, unknown>; keyword: string }) {
  const parts = e.instancePath.split('/').filter(Boolean);
  const extra = e.params?.additionalProperty ?? e.params?.missingProperty;
  if (typeof extra === 'string') parts.push(extra);
  return [context, ...parts].join('.');
}

/** The parts of Ajv's params a client words a message with; the rest (schema paths) stay inside. */
function ajvParams(e: { params?: Record<string, unknown> }) {
  const out: Record<string, unknown> = {};
  for (const k of ['limit', 'format', 'type', 'allowedValues'] as const) if (e.params?.[k] !== undefined) out[k] = e.params[k];
  return Object.keys(out).length ? { params: out } : {};
}

function ajvMessage(e: { keyword: string; message?: string; params?: Record<string, unknown> }) {
  if (e.keyword === 'additionalProperties') return 'is not a known field';
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'format') return `must be a valid ${String(e.params?.format)}`;
  return e.message ?? 'is invalid';
}

/** Maps everything thrown in a request to problem+json; internals never leave the server. */
export function errorHandler(error: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) return sendProblem(reply, req, error);
  const fe = error as FastifyError;
  if (fe.validation) {
    // Fastify says `querystring`; our own errors (filters, cursors) say `query`: one name for clients.
    const context = fe.validationContext === 'querystring' ? 'query' : (fe.validationContext ?? 'body');
    const errors = fe.validation.map((e) => ({
      field: ajvField(context, e as never),
      code: e.keyword,
      message: ajvMessage(e as never),
      ...ajvParams(e as never),
    }));
    const first = errors[0];
    return sendProblem(
      reply,
      req,
      new AppError(400, 'validation_failed', first ? `${first.field} ${first.message}` : 'Invalid request', errors),
    );
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // Said with the route's limit, so that whoever sent it knows how much fits. No field is named:
    // the body was not read, so nothing in it can be pointed at.
    const limit = req.routeOptions?.bodyLimit ?? 1024 * 1024;
    const size = limit >= 1024 * 1024 ? `${Math.floor(limit / (1024 * 1024))} MB` : `${Math.floor(limit / 1024)} KB`;
    return sendProblem(reply, req, new AppError(413, 'body_too_large', `The request body is over the ${size} this request may carry`));
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = (fe.code ?? 'bad_request').toLowerCase().replace(/^fst_err_/, '');
    // Fastify's own 4xx (bad JSON, body too large, wrong content type) carry a safe message.
    return sendProblem(reply, req, new AppError(fe.statusCode, code, fe.message));
  }
  // Safety nets for races the services cannot rule out beforehand (a row removed between the check
  // and the write). They answer like the check would have; the log says it happened.
  const pgCode = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (pgCode === '23503' || pgCode === '23505') {
    req.log.warn({ err: error }, 'constraint race answered as 409');
    const what =
      pgCode === '23503'
        ? 'A record this change refers to was removed or changed meanwhile'
        : 'This was created meanwhile by another request';
    return sendProblem(reply, req, new AppError(409, 'conflict', `${what}; reload and try again`));
  }
  // Two transactions that each waited for the other (a deadlock) or that could not both commit: one is
  // rolled back whole by PostgreSQL, so nothing of it was written and the client may simply retry.
  if (pgCode === '40P01' || pgCode === '40001') {
    req.log.warn({ err: error }, 'transaction rolled back by a concurrent one');
    return sendProblem(reply, req, new AppError(409, 'concurrent_change', 'Another change got in the way; nothing was saved, try again'));
  }
  // Input that reached the database without being validated (a value PostgreSQL cannot store or
  // cast) is still the client's mistake: 400, and a warning so that the missing check gets added.
  if (pgCode && /^22(021|P05|P02|003|007|008|001)$/.test(pgCode)) {
    req.log.warn({ err: error }, 'unvalidated input reached the database');
    return sendProblem(reply, req, new AppError(400, 'invalid_value', 'A value in this request cannot be stored'));
  }
  req.log.error({ err: error }, 'unhandled error');
  return sendProblem(
    reply,
    req,
    new AppError(500, 'internal', 'Something went wrong on our side; the request id identifies it in the logs'),
  );
}

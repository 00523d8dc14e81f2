import type { FastifyReply, FastifyRequest, FastifyTypeProviderDefault } from 'fastify';
import Type, { type Static, type TInteger, type TObject, type TOptional, type TSchema } from 'typebox';
import { HistoryEntry, IdParams, ListPage, ListQuery, Page, Problem } from '../../contract/common.ts';
import { ExportQuery } from '../../contract/exports.ts';
import type { Conn } from '../db/client.ts';
import type { Ctx, Permission } from '../http/context.ts';
import { AppError, badRequest, notFound } from '../http/errors.ts';
import { sendJsonText } from '../http/json-text.ts';
import type { App } from '../http/typed-app.ts';
import { registerBulkUpdate } from './bulk.ts';
import { countList, type ListTotal } from './count.ts';
import { type ExportOptions, sendExport } from './export.ts';
import { registerRecordPath } from './field-rules.ts';
import { idempotent } from './idempotency.ts';
import { type ListInput, listJson, readJson } from './list.ts';
import { expandFields, listInputOf, pickFields } from './list-request.ts';
import type { ObjectDef } from './object-def.ts';
import { ports } from './ports.ts';

type Api = Record<string, unknown> & { id: string; version: number };

export interface RecordService<A extends Api, C, U> {
  list(conn: Conn, ctx: Ctx, input: ListInput): Promise<{ data: A[]; nextCursor: string | null }>;
  get(conn: Conn, ctx: Ctx, id: string): Promise<A>;
  create(conn: Conn, ctx: Ctx, input: C): Promise<A>;
  update(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<U, 'version'>): Promise<A>;
  remove(conn: Conn, ctx: Ctx, id: string, version: number | undefined): Promise<A>;
  restore(conn: Conn, ctx: Ctx, id: string): Promise<A>;
}

/** An update's schema: the fields it may change, and the version the change is based on (or If-Match). */
type UpdateSchema = TObject<{ version: TOptional<TInteger> }>;

/**
 * The schemas of one object's routes. A handler's body is the `Static` type of its schema, so the
 * service's types follow from them: a service whose input or output drifts from the contract is a
 * compile error at the module's registerRecordRoutes call.
 */
export interface RecordSchemas<R extends TObject, C extends TSchema, U extends UpdateSchema> {
  record: R;
  create: C;
  update: U;
}

export interface RecordRoutes<R extends TObject, C extends TSchema, U extends UpdateSchema> {
  /** URL segment: `contacts` → /api/v1/contacts */
  path: string;
  tag: string;
  def: ObjectDef;
  schemas: RecordSchemas<R, C, U>;
  service: RecordService<Static<R> & Api, Static<C>, Static<U>>;
  /** The permission for creates, updates, deletes and restores; settings objects such as pipelines use 'admin'. */
  writePermission?: Permission;
  /** How a record reads as a vCard, for objects that are people (contacts): adds `format=vcard` to the export. */
  vcard?: ExportOptions['vcard'];
}

export const errorResponses = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
  422: Problem,
};

/** The version an update or delete is based on: `version` in the body, or `If-Match: "3"`; required, it is there or a 428. */
export function expectedVersion(req: FastifyRequest, bodyVersion: number | undefined, required: true): number;
export function expectedVersion(req: FastifyRequest, bodyVersion: number | undefined, required: false): number | undefined;
export function expectedVersion(req: FastifyRequest, bodyVersion: number | undefined, required: boolean) {
  if (bodyVersion !== undefined) return bodyVersion;
  const header = req.headers['if-match'];
  if (header !== undefined) {
    const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(String(header).trim());
    if (!m) throw badRequest('headers.if-match', 'bad_if_match', 'If-Match must be the record version, e.g. "3"');
    return Number(m[1]);
  }
  if (required) {
    throw new AppError(428, 'version_required', 'Send the version you last read, as `version` in the body or an If-Match header', [
      { field: 'body.version', code: 'required', message: 'is required (or send If-Match)' },
    ]);
  }
  return undefined;
}

export const etag = (reply: FastifyReply, version: number) => reply.header('etag', `"${version}"`);

/**
 * A list request of one object: a saved view's filter, sort and columns when `view=` names one, then
 * the page — as JSON the database writes when the object has a projection, else through `list` —
 * and, with `count=true`, how many records the list holds.
 */
export async function sendList(
  app: App,
  req: FastifyRequest & { query: ListQuery },
  reply: FastifyReply,
  def: ObjectDef,
  list?: (conn: Conn, ctx: Ctx, input: ListInput) => Promise<{ data: Record<string, unknown>[]; nextCursor: string | null }>,
) {
  const q = req.query;
  const { input, fields } = await listInputOf(app.db, req.ctx, def, q);
  const pick = pickFields(def, fields);
  // A first page that holds the whole list is its own exact count: no second query.
  const total = async (onPage: number, nextCursor: string | null): Promise<ListTotal | undefined> => {
    if (!q.count) return undefined;
    if (!q.cursor && nextCursor === null) return { total: onPage, totalIsEstimate: false };
    return countList(app.db, req.ctx, def, input, app.config.listCountCap);
  };
  if (def.projection) {
    // The database writes the page's JSON; it is sent as it comes, without a row object in between.
    const only = fields ? new Set(['id', 'version', ...expandFields(def, fields).map((f) => f.split('.')[0])]) : undefined;
    const page = await listJson(app.db, req.ctx, def, input, only);
    const counted = await total(page.count, page.nextCursor);
    const tail = counted ? `,"total":${counted.total},"totalIsEstimate":${counted.totalIsEstimate}` : '';
    return sendJsonText(reply, `{"data":${page.json},"nextCursor":${JSON.stringify(page.nextCursor)}${tail}}`);
  }
  if (!list) throw new Error(`${def.type} has neither a projection nor a list function`);
  const page = await list(app.db, req.ctx, input);
  return { data: page.data.map(pick), nextCursor: page.nextCursor, ...(await total(page.data.length, page.nextCursor)) };
}

/**
 * A request's body as the Static type of the schema its route validated it against. Fastify cannot
 * resolve that type while the schema is a type parameter (see registerRecordRoutes), so this is
 * where the generic routes' one cast of a body lives; the validator has checked the body already.
 */
const bodyOf = <S extends TSchema>(req: FastifyRequest, _schema: S) => req.body as Static<S>;

/** Registers the standard record routes. Modules add their own (convert, timeline …) beside these. */
export function registerRecordRoutes<R extends TObject, C extends TSchema, U extends UpdateSchema>(app: App, r: RecordRoutes<R, C, U>) {
  const { path, tag, def, schemas, service } = r;
  const write = r.writePermission ?? 'write';
  const one = `/${path}/:id`;
  const label = def.label.toLowerCase();
  registerRecordPath(path, def.type);
  if (def.bulk) registerBulkUpdate(app, { path, tag, def, update: schemas.update, fields: def.bulk }, errorResponses);
  // Fastify types a handler from its route's schemas through a conditional type (`S extends TSchema
  // ? Static<S> : unknown`), which stays unresolved while S is a type parameter such as R, C or U
  // here. So the routes whose schemas are the object's own name their types themselves, on this
  // instance without the TypeBox provider: params and query as the route generic, the body through
  // bodyOf (a generic body type stays unresolved there too, behind `KeysOf<B> extends never`).
  const routes = app.withTypeProvider<FastifyTypeProviderDefault>();

  routes.get<{ Querystring: ListQuery }>(`/${path}`, {
    config: { permission: 'read' },
    schema: {
      tags: [tag],
      summary: `List ${path}`,
      querystring: ListQuery,
      response: { 200: ListPage(Type.Partial(schemas.record)), ...errorResponses },
    },
    handler: async (req, reply) => sendList(app, req, reply, def, service.list),
  });

  routes.get<{ Querystring: ExportQuery }>(`/${path}/export`, {
    config: { permission: 'read' },
    schema: {
      tags: [tag],
      summary: `Export ${path} as CSV, JSON${r.vcard ? ' or vCard' : ''}`,
      description:
        "The whole list, with the filter, sort and columns of the request or of a saved view (`view=`), streamed a page at a time by the server: every record, however many. CSV columns are `fields` (or the view's columns), else every field, each custom field a column of its own.",
      querystring: ExportQuery,
      produces: ['text/csv', 'application/json', 'text/vcard'],
      response: { 200: { type: 'string', description: 'The file' }, ...errorResponses },
    },
    handler: async (req, reply) => sendExport(app.db, req.ctx, reply, def, req.query, { list: service.list, vcard: r.vcard }, path),
  });

  routes.post(`/${path}`, {
    config: { permission: write },
    schema: {
      tags: [tag],
      summary: `Create a ${label}`,
      description: 'Send an `Idempotency-Key` header to make retries safe.',
      body: schemas.create,
      response: { 201: schemas.record, ...errorResponses },
    },
    handler: async (req, reply) => {
      const out = await idempotent(app.db, req, async (tx) => ({
        status: 201,
        body: await service.create(tx, req.ctx, bodyOf(req, schemas.create)),
      }));
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      etag(reply, Number(out.body.version));
      return reply.status(out.status).header('location', `/api/v1/${path}/${out.body.id}`).send(out.body);
    },
  });

  routes.get<{ Params: IdParams }>(one, {
    config: { permission: 'read' },
    schema: { tags: [tag], summary: `Get a ${label}`, params: IdParams, response: { 200: schemas.record, ...errorResponses } },
    handler: async (req, reply) => {
      const { id } = req.params;
      if (def.projection) {
        const found = await readJson(app.db, req.ctx, def, id);
        if (!found) throw notFound(def.label);
        etag(reply, found.version);
        return sendJsonText(reply, found.json);
      }
      const rec = await service.get(app.db, req.ctx, id);
      etag(reply, rec.version);
      return rec;
    },
  });

  routes.patch<{ Params: IdParams }>(one, {
    config: { permission: write },
    schema: {
      tags: [tag],
      summary: `Update a ${label}`,
      description: 'Send the version you read (`version` in the body or `If-Match`); a stale one gets 409 and changes nothing.',
      params: IdParams,
      body: schemas.update,
      response: { 200: schemas.record, 428: Problem, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { version, ...patch } = bodyOf(req, schemas.update);
      const v = expectedVersion(req, version, true);
      const rec = await app.db.transaction((tx) => service.update(tx, req.ctx, req.params.id, v, patch));
      etag(reply, rec.version);
      return rec;
    },
  });

  routes.delete<{ Params: IdParams }>(one, {
    config: { permission: write },
    schema: {
      tags: [tag],
      summary: `Move a ${label} to the trash`,
      description: 'Soft delete: the record can be restored. `If-Match` makes it conditional.',
      params: IdParams,
      response: { 200: schemas.record, ...errorResponses },
    },
    handler: async (req) => {
      const v = expectedVersion(req, undefined, false);
      return app.db.transaction((tx) => service.remove(tx, req.ctx, req.params.id, v));
    },
  });

  routes.post<{ Params: IdParams }>(`${one}/restore`, {
    config: { permission: write },
    schema: {
      tags: [tag],
      summary: `Restore a ${label} from the trash`,
      params: IdParams,
      response: { 200: schemas.record, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => service.restore(tx, req.ctx, req.params.id)),
  });

  app.get(`${one}/history`, {
    config: { permission: 'read' },
    schema: {
      tags: [tag],
      summary: `Field history of a ${label}`,
      params: IdParams,
      querystring: Type.Object(
        {
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 36 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Page(HistoryEntry), ...errorResponses },
    },
    handler: async (req) => {
      const { id } = req.params;
      await service.get(app.db, req.ctx, id); // 404 unless the record is in this workspace
      const q = req.query;
      return ports().history.list(app.db, req.ctx, def.type, id, q.limit, q.cursor);
    },
  });
}

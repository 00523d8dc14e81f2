import Type from 'typebox';
import { BulkUpdate, BulkUpdateResult } from '../../../contract/bulk.ts';
import { HistoryEntry, ListPage, ListQuery, Page, Problem } from '../../../contract/common.ts';
import { ExportQuery } from '../../../contract/exports.ts';
import {
  CustomRecord,
  CustomRecordCreate,
  CustomRecordUpdate,
  ObjectKeyParams,
  ObjectRecordParams,
  ObjectTypeCreate,
  ObjectTypeDef,
  ObjectTypeUpdate,
} from '../../../contract/objects.ts';
import { notFound } from '../../http/errors.ts';
import { sendJsonText } from '../../http/json-text.ts';
import type { App } from '../../http/typed-app.ts';
import { bulkUpdate } from '../../records/bulk.ts';
import { sendExport } from '../../records/export.ts';
import { registerRecordPath } from '../../records/field-rules.ts';
import { idempotent } from '../../records/idempotency.ts';
import { readJson } from '../../records/list.ts';
import { errorResponses, etag, expectedVersion, sendList } from '../../records/routes.ts';
import { listHistory } from '../history/history.service.ts';
import * as objects from './objects.service.ts';

/**
 * Custom objects: their definitions under /objects, and each one's records under
 * /objects/{objectKey}/records with the routes every built-in object has. The timeline and tasks of
 * a custom record are at /custom-records/{id}/timeline and /tasks, like any linkable record's.
 */
export async function objectRoutes(app: App) {
  const tags = ['Custom objects'];
  app.get('/objects', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'The custom objects of this workspace',
      querystring: Type.Object({ deleted: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(ObjectTypeDef) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await objects.listObjectTypes(app.db, req.ctx, req.query.deleted) }),
  });
  app.post('/objects', {
    config: { permission: 'admin' },
    schema: { tags, summary: 'Define a custom object', body: ObjectTypeCreate, response: { 201: ObjectTypeDef, ...errorResponses } },
    handler: async (req, reply) =>
      reply.status(201).send(await app.db.transaction((tx) => objects.createObjectType(tx, req.ctx, req.body))),
  });
  app.patch('/objects/:objectKey', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Rename a custom object or change its icon (its key is fixed)',
      params: ObjectKeyParams,
      body: ObjectTypeUpdate,
      response: { 200: ObjectTypeDef, 428: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const { version, ...patch } = req.body;
      const v = expectedVersion(req, version, true);
      return app.db.transaction((tx) => objects.updateObjectType(tx, req.ctx, req.params.objectKey, v, patch));
    },
  });
  app.delete('/objects/:objectKey', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Move a custom object to the trash, with its records (409 has_records unless confirm=true)',
      params: ObjectKeyParams,
      querystring: Type.Object({ confirm: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: ObjectTypeDef, ...errorResponses },
    },
    handler: async (req) =>
      app.db.transaction((tx) => objects.deleteObjectType(tx, req.ctx, req.params.objectKey, Boolean(req.query.confirm))),
  });
  app.post('/objects/:objectKey/restore', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Restore a custom object from the trash',
      params: ObjectKeyParams,
      response: { 200: ObjectTypeDef, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => objects.restoreObjectType(tx, req.ctx, req.params.objectKey)),
  });

  const records = '/objects/:objectKey/records';
  registerRecordPath(records.slice(1), objects.customRecordDef.type);
  const one = `${records}/:id`;
  app.get(records, {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'List the records of a custom object',
      params: ObjectKeyParams,
      querystring: ListQuery,
      response: { 200: ListPage(Type.Partial(CustomRecord)), ...errorResponses },
    },
    handler: async (req, reply) => sendList(app, req, reply, await objects.defOfKey(app.db, req.ctx, req.params.objectKey)),
  });
  app.get(`${records}/export`, {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Export the records of a custom object as CSV or JSON',
      description:
        'The whole list, with the filter, sort and columns of the request or of a saved view (`view=`), streamed a page at a time: every record, however many.',
      params: ObjectKeyParams,
      querystring: ExportQuery,
      produces: ['text/csv', 'application/json'],
      response: { 200: { type: 'string', description: 'The file' }, ...errorResponses },
    },
    handler: async (req, reply) => {
      const def = await objects.defOfKey(app.db, req.ctx, req.params.objectKey);
      return sendExport(app.db, req.ctx, reply, def, req.query, {}, req.params.objectKey);
    },
  });
  app.post(records, {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Create a record of a custom object',
      description: 'Send an `Idempotency-Key` header to make retries safe.',
      params: ObjectKeyParams,
      body: CustomRecordCreate,
      response: { 201: CustomRecord, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { objectKey } = req.params;
      const out = await idempotent(app.db, req, async (tx) => ({
        status: 201,
        body: await objects.createCustomRecord(tx, req.ctx, objectKey, req.body),
      }));
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      etag(reply, Number(out.body.version));
      return reply.status(out.status).header('location', `/api/v1/objects/${objectKey}/records/${out.body.id}`).send(out.body);
    },
  });
  app.get(one, {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Get a record of a custom object',
      params: ObjectRecordParams,
      response: { 200: CustomRecord, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { objectKey, id } = req.params;
      const def = await objects.defOfKey(app.db, req.ctx, objectKey);
      const found = await readJson(app.db, req.ctx, def, id);
      if (!found) throw notFound(def.label);
      etag(reply, found.version);
      return sendJsonText(reply, found.json);
    },
  });
  app.patch(one, {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Update a record of a custom object',
      description: 'Send the version you read (`version` in the body or `If-Match`); a stale one gets 409 and changes nothing.',
      params: ObjectRecordParams,
      body: CustomRecordUpdate,
      response: { 200: CustomRecord, 428: Problem, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { objectKey, id } = req.params;
      const { version, ...patch } = req.body;
      const v = expectedVersion(req, version, true);
      const rec = await app.db.transaction((tx) => objects.updateCustomRecord(tx, req.ctx, objectKey, id, v, patch));
      etag(reply, rec.version);
      return rec;
    },
  });
  app.delete(one, {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Move a record of a custom object to the trash',
      params: ObjectRecordParams,
      response: { 200: CustomRecord, ...errorResponses },
    },
    handler: async (req) => {
      const { objectKey, id } = req.params;
      const v = expectedVersion(req, undefined, false);
      return app.db.transaction((tx) => objects.deleteCustomRecord(tx, req.ctx, objectKey, id, v));
    },
  });
  app.post(`${one}/restore`, {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Restore a record of a custom object',
      params: ObjectRecordParams,
      response: { 200: CustomRecord, ...errorResponses },
    },
    handler: async (req) => {
      const { objectKey, id } = req.params;
      return app.db.transaction((tx) => objects.restoreCustomRecord(tx, req.ctx, objectKey, id));
    },
  });
  app.get(`${one}/history`, {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Field history of a record of a custom object',
      params: ObjectRecordParams,
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
      const { objectKey, id } = req.params;
      await objects.getCustomRecord(app.db, req.ctx, objectKey, id); // 404 unless the record is this object's, in this workspace
      const q = req.query;
      return listHistory(app.db, req.ctx, objects.customRecordDef.type, id, q.limit, q.cursor);
    },
  });
  app.post(`${records}/bulk-update`, {
    config: { permission: 'write' },
    bodyLimit: 8 * 1024 * 1024,
    schema: {
      tags,
      summary: 'Set the owner of many records of a custom object at once',
      description: 'Send `ids` (up to 100,000) or a `filter` (the list filter language), not both.',
      params: ObjectKeyParams,
      body: BulkUpdate({ ownerId: Type.Optional(CustomRecordUpdate.properties.ownerId) }),
      response: { 200: BulkUpdateResult, ...errorResponses },
    },
    handler: async (req) => {
      const def = await objects.defOfKey(app.db, req.ctx, req.params.objectKey);
      return app.db.transaction((tx) => bulkUpdate(tx, req.ctx, def, req.body));
    },
  });
}

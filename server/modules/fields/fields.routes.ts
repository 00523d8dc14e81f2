import Type from 'typebox';
import { IdParams, Problem } from '../../../contract/common.ts';
import { FieldDefinition, FieldDefinitionCreate, FieldDefinitionUpdate, FieldObjectType } from '../../../contract/fields.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { App } from '../../http/typed-app.ts';
import { findRow } from '../../records/crud.ts';
import { errorResponses, expectedVersion } from '../../records/routes.ts';
import { defOfKey } from '../objects/objects.service.ts';
import { objectDefs } from '../registry.ts';
import * as fields from './fields.service.ts';

/** The object a field belongs to, a built-in or a custom one (404 for a field of another workspace). */
async function objectTableOf(conn: Conn, ctx: Ctx, id: string) {
  const row = await findRow<{ objectType: string }>(conn, ctx, fields.fieldDefinitionDef, id);
  return objectDefs[row.objectType] ?? (await defOfKey(conn, ctx, row.objectType, { withTrash: true }));
}

export async function fieldRoutes(app: App) {
  const tags = ['Custom fields'];
  app.get('/fields', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Custom field definitions',
      querystring: Type.Object({ objectType: Type.Optional(FieldObjectType) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(FieldDefinition) }), ...errorResponses },
    },
    handler: async (req) => ({
      data: await fields.listFieldDefinitions(app.db, req.ctx, req.query.objectType),
    }),
  });
  app.post('/fields', {
    config: { permission: 'admin' },
    schema: { tags, summary: 'Define a custom field', body: FieldDefinitionCreate, response: { 201: FieldDefinition, ...errorResponses } },
    handler: async (req, reply) =>
      reply.status(201).send(await app.db.transaction((tx) => fields.createFieldDefinition(tx, req.ctx, req.body))),
  });
  app.patch('/fields/:id', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Relabel a custom field, change its options or whether it is required (its type and key are fixed)',
      params: IdParams,
      body: FieldDefinitionUpdate,
      response: { 200: FieldDefinition, 428: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const body = req.body;
      const v = expectedVersion(req, body.version, true);
      return app.db.transaction((tx) => fields.updateFieldDefinition(tx, req.ctx, req.params.id, v, body));
    },
  });
  app.delete('/fields/:id', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Remove a custom field (stored values are kept)',
      params: IdParams,
      response: { 200: FieldDefinition, ...errorResponses },
    },
    handler: async (req) =>
      app.db.transaction(async (tx) => {
        const { id } = req.params;
        const table = await objectTableOf(tx, req.ctx, id);
        return fields.deleteFieldDefinition(tx, req.ctx, table, id, expectedVersion(req, undefined, false));
      }),
  });
  app.post('/fields/:id/restore', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Restore a custom field from the trash, with the values it had',
      params: IdParams,
      response: { 200: FieldDefinition, ...errorResponses },
    },
    handler: async (req) =>
      app.db.transaction(async (tx) => {
        const { id } = req.params;
        return fields.restoreFieldDefinition(tx, req.ctx, await objectTableOf(tx, req.ctx, id), id);
      }),
  });
  app.post('/fields/:id/purge', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Delete a custom field in the trash for good, with its values; its key can then be used again',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await app.db.transaction((tx) => fields.purgeFieldDefinition(tx, req.ctx, req.params.id));
      return reply.status(204).send(null);
    },
  });
}

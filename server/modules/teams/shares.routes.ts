import Type from 'typebox';
import { RecordShare, RecordShareCreate } from '../../../contract/access.ts';
import { Uuid } from '../../../contract/common.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { objectDefs } from '../registry.ts';
import * as shares from './shares.service.ts';

// Any object of the registry: a new object can be shared without a line here.
const RecordParams = Type.Object({ type: Type.Enum(Object.keys(objectDefs)), id: Uuid }, { additionalProperties: false });
const ShareParams = Type.Object({ type: Type.Enum(Object.keys(objectDefs)), id: Uuid, shareId: Uuid }, { additionalProperties: false });

export async function shareRoutes(app: App) {
  const tags = ['Sharing'];
  app.get('/records/:type/:id/shares', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Who a record is shared with',
      params: RecordParams,
      response: { 200: Type.Object({ data: Type.Array(RecordShare) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await shares.listShares(app.db, req.ctx, objectDefs[req.params.type], req.params.id) }),
  });
  app.post('/records/:type/:id/shares', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Share a record with a member or a team',
      description:
        'To read, or to edit too, beyond what their role reaches (a share does not open an object their role closes, nor allow deleting). Whoever may edit the record may share it. Sharing again with the same member or team changes the access.',
      params: RecordParams,
      body: RecordShareCreate,
      response: { 201: RecordShare, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply
        .status(201)
        .send(await app.db.transaction((tx) => shares.shareRecord(tx, req.ctx, objectDefs[req.params.type], req.params.id, req.body))),
  });
  app.delete('/records/:type/:id/shares/:shareId', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Stop sharing a record with a member or team',
      params: ShareParams,
      response: { 200: RecordShare, ...errorResponses },
    },
    handler: async (req) =>
      app.db.transaction((tx) => shares.unshareRecord(tx, req.ctx, objectDefs[req.params.type], req.params.id, req.params.shareId)),
  });
}

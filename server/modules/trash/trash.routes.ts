import Type from 'typebox';
import { Page } from '../../../contract/common.ts';
import { TrashItem, TrashParams, TrashQuery } from '../../../contract/trash.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { listTrash, purgeRecord } from './trash.service.ts';

export async function trashRoutes(app: App) {
  app.get('/trash', {
    config: { permission: 'read' },
    schema: {
      tags: ['Trash'],
      summary: 'Records in the trash, of every type, most recently deleted first',
      description: 'Each with who deleted it (from its history) and when. Restore a record with its own `POST /<object>/{id}/restore`.',
      querystring: TrashQuery,
      response: { 200: Page(TrashItem), ...errorResponses },
    },
    handler: async (req) => listTrash(app.db, req.ctx, req.query),
  });

  app.delete('/trash/:type/:id', {
    config: { permission: 'admin' },
    schema: {
      tags: ['Trash'],
      summary: 'Delete a record in the trash for good',
      description:
        'Removes the record and its links, search terms and references from other records; its history stays. A record not in the trash gets 409.',
      params: TrashParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      const { type, id } = req.params;
      await app.db.transaction((tx) => purgeRecord(tx, req.ctx, type, id));
      return reply.status(204).send(null);
    },
  });
}

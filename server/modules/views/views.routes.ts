import Type from 'typebox';
import { IdParams, Problem } from '../../../contract/common.ts';
import { SavedView, SavedViewCreate, SavedViewUpdate, ViewObjectType } from '../../../contract/views.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, expectedVersion } from '../../records/routes.ts';
import * as views from './views.service.ts';

export async function viewRoutes(app: App) {
  const tags = ['Saved views'];
  app.get('/views', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'My views and the shared ones',
      querystring: Type.Object({ objectType: Type.Optional(ViewObjectType) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(SavedView) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await views.listViews(app.db, req.ctx, req.query.objectType) }),
  });
  app.post('/views', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Save a view: filter, sort and columns',
      body: SavedViewCreate,
      response: { 201: SavedView, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await app.db.transaction((tx) => views.createView(tx, req.ctx, req.body))),
  });
  app.get('/views/:id', {
    config: { permission: 'read' },
    schema: { tags, summary: 'One view', params: IdParams, response: { 200: SavedView, ...errorResponses } },
    handler: async (req) => views.getView(app.db, req.ctx, req.params.id),
  });
  app.patch('/views/:id', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Change a view',
      params: IdParams,
      body: SavedViewUpdate,
      response: { 200: SavedView, 428: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const body = req.body;
      const v = expectedVersion(req, body.version, true);
      return app.db.transaction((tx) => views.updateView(tx, req.ctx, req.params.id, v, body));
    },
  });
  app.delete('/views/:id', {
    config: { permission: 'write' },
    schema: { tags, summary: 'Delete a view', params: IdParams, response: { 200: SavedView, ...errorResponses } },
    handler: async (req) =>
      app.db.transaction((tx) => views.deleteView(tx, req.ctx, req.params.id, expectedVersion(req, undefined, false))),
  });
}

import { IdParams } from '../../../contract/common.ts';
import { BoardQuery, PipelineBoard } from '../../../contract/deals.ts';
import { Pipeline, PipelineCreate, PipelineUpdate } from '../../../contract/pipelines.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, registerRecordRoutes } from '../../records/routes.ts';
import * as pipelines from './pipelines.service.ts';

export async function pipelineRoutes(app: App) {
  registerRecordRoutes(app, {
    path: 'pipelines',
    tag: 'Pipelines',
    def: pipelines.pipelineDef,
    schemas: { record: Pipeline, create: PipelineCreate, update: PipelineUpdate },
    // Pipelines and their stages are workspace settings: everyone reads them, admins change them.
    writePermission: 'admin',
    service: {
      // A workspace has a handful of pipelines, so the list is always one page.
      list: async (conn, ctx, input) => ({ data: await pipelines.listPipelines(conn, ctx, input.deleted), nextCursor: null }),
      get: pipelines.getPipeline,
      create: pipelines.createPipeline,
      update: pipelines.updatePipeline,
      remove: pipelines.deletePipeline,
      restore: pipelines.restorePipeline,
    },
  });

  app.get('/pipelines/:id/board', {
    config: { permission: 'read' },
    schema: {
      tags: ['Pipelines'],
      summary: 'Deal counts and totals per stage',
      description:
        'Per stage in board order: the number of deals (not in the trash) and, per currency, their amount and weighted amount. `ownerId` narrows to one owner.',
      params: IdParams,
      querystring: BoardQuery,
      response: { 200: PipelineBoard, ...errorResponses },
    },
    handler: async (req) => pipelines.pipelineBoard(app.db, req.ctx, req.params.id, req.query.ownerId),
  });
}

import { PipelineReport, PipelineReportQuery, WinRate, WinRateQuery } from '../../../contract/reports.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { pipelineReport, winRate } from './reports.service.ts';

export async function reportRoutes(app: App) {
  app.get('/reports/pipeline', {
    config: { permission: 'read' },
    schema: {
      tags: ['Reports'],
      summary: 'Open deals of a pipeline per stage and per owner',
      description:
        'Counts and, per currency, amounts and weighted amounts of the open deals (not in the trash) of `pipelineId` (default: the first pipeline). Every stage is listed in board order, empty ones included; owners are sorted by their number of deals. `ownerId` narrows both to one owner; an id that is not a pipeline or member of this workspace is a 422 naming the field. For a role that hides the deal amount or probability the amounts are empty: the deals are counted, not summed.',
      querystring: PipelineReportQuery,
      response: { 200: PipelineReport, ...errorResponses },
    },
    handler: async (req) => pipelineReport(app.db, req.ctx, req.query),
  });

  app.get('/reports/win-rate', {
    config: { permission: 'read' },
    schema: {
      tags: ['Reports'],
      summary: 'Deals won and lost per month',
      description:
        'Per calendar month (UTC) of the close date, over the last `months` months including the current one: deals won and lost, the win rate (null in a month without closed deals) and the won amounts per currency, of `pipelineId` (default: the first pipeline). `ownerId` narrows them to one owner. Deals in the trash are left out. For a role that hides the deal amount or probability the won amounts are empty.',
      querystring: WinRateQuery,
      response: { 200: WinRate, ...errorResponses },
    },
    handler: async (req) => winRate(app.db, req.ctx, req.query),
  });
}

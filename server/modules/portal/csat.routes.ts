import { IdParams } from '../../../contract/common.ts';
import { SatisfactionQuery, SatisfactionReport, TicketSatisfaction } from '../../../contract/portal.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { satisfactionReport, ticketSatisfaction } from './csat.service.ts';

export async function csatRoutes(app: App) {
  app.get('/tickets/:id/satisfaction', {
    config: { permission: 'read' },
    schema: {
      tags: ['Tickets'],
      summary: "The requester's satisfaction rating of a ticket (null until they rate it)",
      params: IdParams,
      response: { 200: TicketSatisfaction, ...errorResponses },
    },
    handler: async (req) => ticketSatisfaction(app.db, req.ctx, req.params.id),
  });
  app.get('/satisfaction', {
    config: { permission: 'read' },
    schema: {
      tags: ['Tickets'],
      summary: 'Satisfaction (CSAT) ratings given in a period, in all, per agent and per team',
      description: 'Counts of good and bad ratings and the share of good ones, over [from, to) (default: the last 30 days).',
      querystring: SatisfactionQuery,
      response: { 200: SatisfactionReport, ...errorResponses },
    },
    handler: async (req) => satisfactionReport(app.db, req.ctx, req.query),
  });
}

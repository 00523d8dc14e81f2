import type { FastifyInstance } from 'fastify';
import { Activity, ActivityCreate, ActivityUpdate, type LinkableType, linkablePaths, TimelineQuery } from '../../../contract/activities.ts';
import { IdParams, Page } from '../../../contract/common.ts';
import { errorResponses, registerRecordRoutes } from '../../records/routes.ts';
import { objectDefs } from '../registry.ts';
import * as activities from './activities.service.ts';

export async function activityRoutes(app: FastifyInstance) {
  registerRecordRoutes(app, {
    path: 'activities',
    tag: 'Activities',
    def: activities.activityDef,
    schemas: { record: Activity, create: ActivityCreate, update: ActivityUpdate },
    service: {
      list: activities.listActivities,
      get: activities.getActivity,
      create: activities.createActivity,
      update: activities.updateActivity,
      remove: activities.deleteActivity,
      restore: activities.restoreActivity,
    },
  });

  for (const [type, path] of Object.entries(linkablePaths) as [LinkableType, string][]) {
    // A record type gets its timeline once its module is in the registry (and so has routes of its own).
    if (!objectDefs[type]) continue;
    app.get(`/${path}/:id/timeline`, {
      config: { permission: 'read' },
      schema: {
        tags: ['Activities'],
        summary: `Activities on one ${objectDefs[type].label.toLowerCase()}, newest first`,
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: Page(Activity), ...errorResponses },
      },
      handler: async (req, reply) =>
        reply
          .type('application/json; charset=utf-8')
          .send(await activities.recordTimeline(app.db, req.ctx, type, (req.params as { id: string }).id, req.query as TimelineQuery)),
    });
  }
}

import { Activity, ActivityCreate, ActivityUpdate, type LinkableType, linkablePaths, TimelineQuery } from '../../../contract/activities.ts';
import { IdParams, Page } from '../../../contract/common.ts';
import { sendJsonText } from '../../http/json-text.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses, registerRecordRoutes } from '../../records/routes.ts';
import { objectDefs } from '../registry.ts';
import * as activities from './activities.service.ts';

export async function activityRoutes(app: App) {
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
      handler: async (req, reply) => sendJsonText(reply, await activities.recordTimeline(app.db, req.ctx, type, req.params.id, req.query)),
    });
  }
}

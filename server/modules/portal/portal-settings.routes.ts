import { PortalSettings, PortalSettingsUpdate } from '../../../contract/portal.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { getPortalSettings, updatePortalSettings } from './portal.service.ts';

const tags = ['Customer portal'];

export async function portalSettingsRoutes(app: App) {
  app.get('/portal/settings', {
    config: { permission: 'read' },
    schema: { tags, summary: 'The customer portal’s settings', response: { 200: PortalSettings, ...errorResponses } },
    handler: async (req) => getPortalSettings(app.db, req.ctx),
  });
  app.patch('/portal/settings', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Choose the shared mailbox portal mail goes out from (null: the notification mailbox) and whether company tickets show',
      body: PortalSettingsUpdate,
      response: { 200: PortalSettings, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => updatePortalSettings(tx, req.ctx, req.body)),
  });
}

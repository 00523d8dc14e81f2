import { IdParams, Page } from '../../../contract/common.ts';
import {
  MarkedRead,
  Notification,
  NotificationListQuery,
  NotificationPreferences,
  NotificationPreferencesUpdate,
  NotificationSettings,
  NotificationSettingsUpdate,
  UnreadCount,
} from '../../../contract/notifications.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { getNotificationSettings, updateNotificationSettings } from './notices-by-email.ts';
import * as notifications from './notifications.service.ts';

/** The signed-in member's own notifications: every route reads or marks only theirs. */
export async function notificationRoutes(app: App) {
  const tags = ['Notifications'];
  app.get('/notifications', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'My notifications, newest first',
      querystring: NotificationListQuery,
      response: { 200: Page(Notification), ...errorResponses },
    },
    handler: async (req) => notifications.listNotifications(app.db, req.ctx, req.query),
  });
  app.get('/notifications/unread-count', {
    config: { permission: 'read' },
    schema: { tags, summary: 'How many of my notifications are unread', response: { 200: UnreadCount, ...errorResponses } },
    handler: async (req) => notifications.unreadCount(app.db, req.ctx),
  });
  app.post('/notifications/:id/read', {
    config: { permission: 'read' },
    schema: { tags, summary: 'Mark one of my notifications read', params: IdParams, response: { 200: Notification, ...errorResponses } },
    handler: async (req) => app.db.transaction((tx) => notifications.markRead(tx, req.ctx, req.params.id)),
  });
  app.post('/notifications/read-all', {
    config: { permission: 'read' },
    schema: { tags, summary: 'Mark all my notifications read', response: { 200: MarkedRead, ...errorResponses } },
    handler: async (req) => app.db.transaction((tx) => notifications.markAllRead(tx, req.ctx)),
  });
  app.get('/notifications/preferences', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Which notifications I receive, and whether I get a daily digest',
      response: { 200: NotificationPreferences, ...errorResponses },
    },
    handler: async (req) => notifications.preferencesOf(app.db, req.ctx, req.ctx.memberId),
  });
  app.patch('/notifications/preferences', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Change which notifications I receive (only the ones named)',
      body: NotificationPreferencesUpdate,
      response: { 200: NotificationPreferences, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => notifications.updatePreferences(tx, req.ctx, req.body)),
  });
  app.get('/notifications/settings', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'The shared mailbox notices are emailed from (to members who turned on byEmail)',
      response: { 200: NotificationSettings, ...errorResponses },
    },
    handler: async (req) => getNotificationSettings(app.db, req.ctx),
  });
  app.patch('/notifications/settings', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Choose the shared mailbox notices are emailed from (null: none, notices stay in the app)',
      body: NotificationSettingsUpdate,
      response: { 200: NotificationSettings, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => updateNotificationSettings(tx, req.ctx, req.body)),
  });
}

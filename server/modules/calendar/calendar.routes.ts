import Type from 'typebox';
import { CalendarFeed, CalendarFeedCreated, CalendarItems, CalendarQuery } from '../../../contract/calendar.ts';
import { notFound } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { calendarItems } from './calendar.service.ts';
import { createFeed, feedCalendar, getFeed, revokeFeed } from './feed.ts';

export async function calendarRoutes(app: App) {
  const tags = ['Calendar'];
  app.get('/calendar', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Meetings (by owner) and tasks with a due date (by assignee) in a window of at most 100 days',
      querystring: CalendarQuery,
      response: { 200: CalendarItems, ...errorResponses },
    },
    handler: async (req) => ({ data: await calendarItems(app.db, req.ctx, req.query) }),
  });
  app.get('/calendar/feed', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Whether I have a live calendar feed (its URL is shown only when made)',
      response: { 200: CalendarFeed, ...errorResponses },
    },
    handler: async (req) => getFeed(app.db, req.ctx),
  });
  app.post('/calendar/feed', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Make my private .ics feed URL of my meetings and tasks (the one I had stops working)',
      response: { 201: CalendarFeedCreated, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await app.db.transaction((tx) => createFeed(tx, req.ctx, app.config.baseUrl))),
  });
  app.delete('/calendar/feed', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'Revoke my calendar feed URL: it answers 404 from now on',
      response: { 200: CalendarFeed, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => revokeFeed(tx, req.ctx)),
  });
}

/**
 * The feed itself, outside /api (calendar apps subscribe to a plain URL and send no credentials:
 * the token in the path is the credential). Rate-limited per address like the other public routes.
 */
export async function icalRoutes(app: App) {
  app.get('/ical/:file', {
    config: { permission: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
    schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 200 }) }) },
    handler: async (req, reply) => {
      const { file } = req.params;
      const text = file.endsWith('.ics') ? await feedCalendar(app.db, file.slice(0, -4), app.config.baseUrl) : null;
      if (text === null) throw notFound('Calendar feed');
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('x-robots-tag', 'noindex')
        .send(text);
    },
  });
}

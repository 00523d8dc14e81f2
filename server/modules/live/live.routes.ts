import { and, eq, sql } from 'drizzle-orm';
import Type from 'typebox';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { objectDefs } from '../registry.ts';
import { isAfter, type LiveChange, LiveFeed, type LivePosition } from './feed.ts';

/**
 * What a page may hear of: records and the structure that shapes them. Private things (another
 * member's saved views, API keys, invitations) are left out; a notification goes to its member only.
 * Only ids and the kind of change are pushed: the page reads the record through the API, whose
 * permissions decide what it sees.
 */
const pushed = new Set([
  'company',
  'contact',
  'lead',
  'deal',
  'activity',
  // An email's id only (received, sent, opened, clicked): its content is read through the email routes' privacy condition.
  'email',
  'task',
  'ticket',
  'custom_record',
  'pipeline',
  'field_definition',
  'object_type',
  'list',
]);
export const visibleTo = (memberId: string, c: LiveChange) =>
  c.memberId !== undefined ? c.memberId === memberId : pushed.has(c.recordType) || c.type.startsWith('notification.');

const sse = (event: string, data: unknown, id?: LivePosition | null) =>
  `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export async function liveRoutes(app: App) {
  const feed = new LiveFeed(app.database, app.database.kind === 'pglite' ? 250 : 1_000);
  const open = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of open) end();
    await feed.close();
  });

  app.get('/live', {
    config: { permission: 'read' },
    schema: {
      tags: ['Live updates'],
      summary: 'Changes made by others, as they happen (Server-Sent Events)',
      description:
        'A `text/event-stream` of `change` events, one per committed change in the workspace: `{ type, recordType, recordId, actorId, at }` (e.g. `deal.updated`), in commit order, within about a second. ' +
        'Records and pipelines, fields and objects are announced; notifications only to their member. No record data is sent: read the record through the API. ' +
        'The stream starts with a `ready` event, sends a comment every 20 s, and ends after `seconds` (default 300; 0 ends it after `ready`) so that the browser reconnects and the session is checked again; after a reconnect, read what you show anew, since changes made meanwhile are not replayed.',
      querystring: Type.Object({ seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })) }, { additionalProperties: false }),
      response: {
        200: { description: 'The event stream', content: { 'text/event-stream': { schema: Type.String() } } },
        ...errorResponses,
      },
    },
    handler: async (req, reply) => {
      const { seconds = 300 } = req.query;
      const { workspaceId, memberId } = req.ctx;
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      let ended = false;
      const timers: NodeJS.Timeout[] = [];
      let unsubscribe = () => {};
      const end = () => {
        if (ended) return;
        ended = true;
        for (const t of timers) clearTimeout(t);
        unsubscribe();
        open.delete(end);
        res.end();
      };
      open.add(end);
      // The response's close: the page went away (a request's own close comes as soon as it is read).
      res.on('close', end);
      // Subscribed before anything is sent, and held back while a reconnecting page catches up: what
      // commits meanwhile is sent after, once, in order.
      let sentUpTo: LivePosition | null = null;
      let held: [LiveChange, LivePosition][] | null = [];
      // A member narrowed by a role hears only of records the role lets them read (the same predicate
      // as every list, in SQL); each change is checked in arrival order, one after another, so that the
      // stream keeps commit order. Owners, admins and full-access members need no check.
      let checked = Promise.resolve();
      const send = (c: LiveChange, at: LivePosition) => {
        if (ended || (sentUpTo && !isAfter(at, sentUpTo))) return;
        sentUpTo = at;
        if (!visibleTo(memberId, c)) return;
        const def = Object.hasOwn(objectDefs, c.recordType) ? objectDefs[c.recordType] : undefined;
        const where = def && visibleWhere(req.ctx, def, 'read');
        if (!def || !where) {
          checked = checked
            .then(() => {
              if (!ended) res.write(sse('change', c, at));
            })
            .catch(() => {});
          return;
        }
        checked = checked
          .then(async () => {
            const t = def.table;
            const [seen] = await app.db
              .select({ one: sql`1` })
              .from(t)
              .where(and(eq(t.workspaceId, workspaceId), eq(t.id, c.recordId), where))
              .catch(() => []);
            if (seen && !ended) res.write(sse('change', c, at));
          })
          // One failed check (the connection gone) must not stop the changes after it.
          .catch(() => {});
      };
      if (seconds > 0) {
        unsubscribe = await feed.subscribe(workspaceId, (c, at) => (held ? held.push([c, at]) : send(c, at)));
        if (ended) return unsubscribe();
      }
      // A page that reconnects names the last change it had (EventSource sends it as Last-Event-ID):
      // it gets what it missed, or `reset` when that is too much to send or unknown, and reads anew.
      const last = req.headers['last-event-id'];
      if (typeof last === 'string' && last) {
        const missed = await feed.since(workspaceId, last);
        if (missed.more) res.write(sse('reset', {}));
        else {
          sentUpTo = last;
          for (const m of missed.changes) send(m.change, m.at);
        }
      }
      for (const [c, at] of held ?? []) send(c, at);
      held = null;
      // Reconnect after a second; each reconnect authenticates again.
      await checked;
      res.write(`retry: 1000\n${sse('ready', { seconds }, sentUpTo ?? feed.position)}`);
      if (seconds === 0) return end();
      const beat = setInterval(() => res.write(': keep-alive\n\n'), 20_000);
      timers.push(beat, setTimeout(end, seconds * 1_000));
    },
  });
}

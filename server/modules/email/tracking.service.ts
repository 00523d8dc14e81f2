import { and, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { EmailTracking } from '../../../contract/email.ts';
import type { Conn } from '../../db/client.ts';
import { type Ctx, systemCtx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { emitEvent } from '../history/history.service.ts';
import { emailMessages } from './email.table.ts';
import { emailSettings } from './outbox.table.ts';
import { emailTrackingEvents } from './tracking.table.ts';
import type { TrackTarget } from './tracking.ts';

/** Refuses `track: true` when an admin turned tracking off for the workspace. */
export async function assertTrackingAllowed(conn: Conn, ctx: Ctx) {
  const [row] = await conn
    .select({ tracking: emailSettings.tracking })
    .from(emailSettings)
    .where(eq(emailSettings.workspaceId, ctx.workspaceId));
  if (row && !row.tracking)
    throw invalid([{ field: 'body.track', code: 'tracking_off', message: 'open and click tracking is turned off for this workspace' }]);
}

/** The id of an email already stored under this Message-ID (a send tried again after it went out). */
export async function sentEmailId(conn: Conn, ctx: Ctx, messageId: string) {
  const [row] = await conn
    .select({ id: emailMessages.id })
    .from(emailMessages)
    .where(and(eq(emailMessages.workspaceId, ctx.workspaceId), eq(emailMessages.messageId, messageId.replace(/^<|>$/g, ''))));
  return row?.id ?? null;
}

/** Marks a sent email as tracked, with the links its click tokens number. */
export async function markTracked(conn: Conn, ctx: Ctx, emailId: string, links: string[]) {
  await conn
    .update(emailMessages)
    .set({ trackedLinks: links })
    .where(and(eq(emailMessages.workspaceId, ctx.workspaceId), eq(emailMessages.id, emailId)));
}

/**
 * Records what a token stands for. An unknown email (deleted, of no tracked send, or a token made
 * for another workspace's email: the lookup is by both ids) records nothing and returns null, and
 * a click returns the URL stored for its number — the only place it may redirect to.
 */
export async function recordTracking(conn: Conn, t: TrackTarget, userAgent: string | undefined) {
  const [email] = await conn
    .select({
      links: emailMessages.trackedLinks,
      activityId: emailMessages.activityId,
      sender: sql<string | null>`${emailMessages.viewerIds}[1]`,
    })
    .from(emailMessages)
    .where(and(eq(emailMessages.workspaceId, t.workspaceId), eq(emailMessages.id, t.emailId)));
  if (!email?.links) return null;
  const url = t.kind === 'click' ? email.links[t.link] : null;
  if (t.kind === 'click' && !url) return null;
  await conn.insert(emailTrackingEvents).values({
    workspaceId: t.workspaceId,
    id: uuidv7(),
    emailId: t.emailId,
    kind: t.kind,
    linkIndex: t.kind === 'click' ? t.link : null,
    url,
    userAgent: userAgent?.slice(0, 500) ?? null,
  });
  // The recipient is no member: the event is the system's, in the sender's name for what needs one.
  const ctx = systemCtx(t.workspaceId, email.sender ?? '');
  const payload = { emailId: t.emailId, activityId: email.activityId, ...(url ? { url } : {}) };
  await emitEvent(conn, ctx, t.kind === 'open' ? 'email.opened' : 'email.clicked', 'email', t.emailId, payload);
  // Pages showing the email read it again on the event (web/src/live.ts: `email`).
  return { url, activityId: email.activityId };
}

/** The tracking summaries of tracked emails among `ids` (of one workspace), by email id. */
export async function trackingOf(conn: Conn, workspaceId: string, ids: string[]): Promise<Map<string, EmailTracking>> {
  const out = new Map<string, EmailTracking>();
  if (!ids.length) return out;
  const rows = await conn
    .select({
      emailId: emailTrackingEvents.emailId,
      kind: emailTrackingEvents.kind,
      url: emailTrackingEvents.url,
      count: sql<number>`count(*)::int`,
      last: sql<Date>`max(${emailTrackingEvents.at})`.mapWith((v) => new Date(v)),
    })
    .from(emailTrackingEvents)
    .where(and(eq(emailTrackingEvents.workspaceId, workspaceId), inArray(emailTrackingEvents.emailId, ids)))
    .groupBy(emailTrackingEvents.emailId, emailTrackingEvents.kind, emailTrackingEvents.url);
  for (const id of ids) out.set(id, { opens: 0, lastOpenedAt: null, clicks: [] });
  for (const r of rows) {
    const s = out.get(r.emailId) as EmailTracking;
    if (r.kind === 'open') {
      s.opens = r.count;
      s.lastOpenedAt = r.last.toISOString();
    } else if (r.url) s.clicks.push({ url: r.url, count: r.count, lastAt: r.last.toISOString() });
  }
  for (const s of out.values()) s.clicks.sort((a, b) => b.count - a.count || a.url.localeCompare(b.url));
  return out;
}

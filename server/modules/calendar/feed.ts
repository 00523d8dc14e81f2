import { and, eq, isNull } from 'drizzle-orm';
import ICAL from 'ical.js';
import { uuidv7 } from 'uuidv7';
import type { CalendarFeed } from '../../../contract/calendar.ts';
import { builtInSegments } from '../../../contract/enums.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { nameLinks } from '../../records/links.ts';
import { meetingsBetween } from '../activities/activities.service.ts';
import { memberIdsAmong } from '../auth/members.service.ts';
import { newToken, parseToken } from '../auth/tokens.ts';
import { tasksDueBetween } from '../tasks/tasks.service.ts';
import { calendarFeeds } from './calendar.table.ts';

const DAY = 86_400_000;
/** What a feed holds: a month back (recent meetings stay in the calendar app) to a year ahead. */
export const FEED_DAYS_BACK = 30;
export const FEED_DAYS_AHEAD = 365;

export const feedPath = (token: string) => `/ical/${token}.ics`;

async function liveFeed(conn: Conn, ctx: Ctx) {
  const [row] = await conn
    .select()
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.workspaceId, ctx.workspaceId), eq(calendarFeeds.memberId, ctx.memberId), isNull(calendarFeeds.revokedAt)));
  return row;
}

export async function getFeed(conn: Conn, ctx: Ctx): Promise<CalendarFeed> {
  const row = await liveFeed(conn, ctx);
  return { active: !!row, createdAt: row?.createdAt.toISOString() ?? null };
}

async function revoke(conn: Conn, ctx: Ctx) {
  await conn
    .update(calendarFeeds)
    .set({ revokedAt: new Date() })
    .where(and(eq(calendarFeeds.workspaceId, ctx.workspaceId), eq(calendarFeeds.memberId, ctx.memberId), isNull(calendarFeeds.revokedAt)));
}

/**
 * A new feed URL for the signed-in member; the one they had stops working. The token carries the
 * workspace id (so its lookup is (workspace_id, token_hash)) and 32 random bytes; only its hash is kept.
 */
export async function createFeed(conn: Conn, ctx: Ctx, baseUrl: string) {
  await revoke(conn, ctx);
  const { token, hash } = newToken(ctx.workspaceId);
  const [row] = await conn
    .insert(calendarFeeds)
    .values({ workspaceId: ctx.workspaceId, id: uuidv7(), memberId: ctx.memberId, tokenHash: hash })
    .returning();
  return { active: true, createdAt: row.createdAt.toISOString(), url: new URL(feedPath(token), baseUrl).toString() };
}

export async function revokeFeed(conn: Conn, ctx: Ctx): Promise<CalendarFeed> {
  await revoke(conn, ctx);
  return { active: false, createdAt: null };
}

/**
 * The calendar behind a feed URL, or null when the token is unknown, revoked, or its member is
 * disabled (the route answers 404 alike). Reads as that member, in the token's workspace only.
 */
export async function feedCalendar(conn: Conn, token: string, baseUrl: string, now = new Date()): Promise<string | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const [feed] = await conn
    .select()
    .from(calendarFeeds)
    .where(
      and(eq(calendarFeeds.workspaceId, parsed.workspaceId), eq(calendarFeeds.tokenHash, parsed.hash), isNull(calendarFeeds.revokedAt)),
    );
  if (!feed) return null;
  const ctx: Ctx = {
    workspaceId: feed.workspaceId,
    memberId: feed.memberId,
    actor: { type: 'member', id: feed.memberId },
    role: 'read-only',
    requestId: null,
  };
  if (!(await memberIdsAmong(conn, ctx, [feed.memberId], { active: true })).length) return null;
  const window = { from: new Date(now.getTime() - FEED_DAYS_BACK * DAY), to: new Date(now.getTime() + FEED_DAYS_AHEAD * DAY) };
  const meetings = await meetingsBetween(conn, ctx, { ...window, ownerIds: [feed.memberId], limit: 5000 });
  const tasks = await tasksDueBetween(conn, ctx, { ...window, assigneeIds: [feed.memberId], limit: 5000 });
  const names = await nameLinks(conn, ctx, [...meetings.flatMap((m) => m.links), ...tasks.flatMap((t) => t.links)]);
  const named = (links: { recordType: string; recordId: string }[]) =>
    links.flatMap((l) => names.get(`${l.recordType}:${l.recordId}`) ?? []);
  const about = (links: { recordType: string; recordId: string }[]) =>
    named(links)
      .map((n) => n.name)
      .join(', ');
  // The item's link opens the first record it concerns in the app (activities and tasks have no page of their own).
  const urlOf = (links: { recordType: string; recordId: string }[]) => {
    const first = named(links)[0];
    if (!first) return null;
    const path =
      first.recordType === 'custom_record'
        ? `/o/${first.objectKey}/${first.recordId}`
        : `/${builtInSegments[first.recordType as keyof typeof builtInSegments]}/${first.recordId}`;
    return new URL(path, baseUrl).toString();
  };
  const utc = (d: Date) => ICAL.Time.fromJSDate(d, true);

  const cal = new ICAL.Component(['vcalendar', [], []]);
  cal.updatePropertyWithValue('prodid', '-//Rapport//Calendar feed//EN');
  cal.updatePropertyWithValue('version', '2.0');
  cal.updatePropertyWithValue('calscale', 'GREGORIAN');
  cal.updatePropertyWithValue('x-wr-calname', 'Rapport');
  // Each item: a UID that stays with the record, DTSTAMP its last change and SEQUENCE its version
  // less one (0 for one never edited), so calendar apps replace an edited item instead of adding one.
  const common = (c: ICAL.Component, x: { id: string; title: string; version: number; updatedAt: Date; createdAt: Date }, kind: string) => {
    c.updatePropertyWithValue('uid', `${kind}-${x.id}@rapport`);
    c.updatePropertyWithValue('dtstamp', utc(x.updatedAt));
    c.updatePropertyWithValue('created', utc(x.createdAt));
    c.updatePropertyWithValue('last-modified', utc(x.updatedAt));
    c.updatePropertyWithValue('sequence', x.version - 1);
    c.updatePropertyWithValue('summary', x.title);
  };
  for (const m of meetings) {
    const ev = new ICAL.Component('vevent');
    common(ev, m, 'meeting');
    // A meeting with an iCalendar identity (invited, or an invite that came in) keeps it: the member's
    // calendar may hold the invite already, and a second UID would show the meeting twice.
    // SEQUENCE never goes below what an invite said, and still rises with every edit.
    if (m.ical) {
      ev.updatePropertyWithValue('uid', m.ical.uid);
      ev.updatePropertyWithValue('sequence', Math.max(m.ical.sequence, m.version - 1));
    }
    if (m.location) ev.updatePropertyWithValue('location', m.location);
    if (m.cancelled) ev.updatePropertyWithValue('status', 'CANCELLED');
    ev.updatePropertyWithValue('dtstart', utc(m.start));
    ev.updatePropertyWithValue('dtend', utc(m.end));
    const text = about(m.links);
    if (text) ev.updatePropertyWithValue('description', text);
    const url = urlOf(m.links);
    if (url) ev.updatePropertyWithValue('url', url);
    cal.addSubcomponent(ev);
  }
  for (const t of tasks) {
    const todo = new ICAL.Component('vtodo');
    common(todo, t, 'task');
    todo.updatePropertyWithValue('due', utc(t.dueAt));
    todo.updatePropertyWithValue('status', t.done ? 'COMPLETED' : 'NEEDS-ACTION');
    if (t.done && t.doneAt) todo.updatePropertyWithValue('completed', utc(t.doneAt));
    const text = [about(t.links), t.notes ?? ''].filter(Boolean).join('\n\n');
    if (text) todo.updatePropertyWithValue('description', text);
    const url = urlOf(t.links);
    if (url) todo.updatePropertyWithValue('url', url);
    cal.addSubcomponent(todo);
  }
  return cal.toString();
}

import { type CalendarItem, type CalendarQuery, MAX_CALENDAR_DAYS } from '../../../contract/calendar.ts';
import type { RelatedRecord } from '../../../contract/tasks.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { badRequest } from '../../http/errors.ts';
import { nameLinks } from '../../records/links.ts';
import { meetingsBetween } from '../activities/activities.service.ts';
import { memberIdsAmong } from '../auth/members.service.ts';
import { tasksDueBetween } from '../tasks/tasks.service.ts';

const DAY = 86_400_000;

/** A window from the query string, checked: real dates, `to` after `from`, at most MAX_CALENDAR_DAYS long. */
export function calendarWindow(q: Pick<CalendarQuery, 'from' | 'to'>) {
  const from = new Date(q.from);
  const to = new Date(q.to);
  for (const [field, d] of [
    ['query.from', from],
    ['query.to', to],
  ] as const) {
    const year = d.getUTCFullYear();
    if (Number.isNaN(d.getTime()) || year < 1 || year > 9999)
      throw badRequest(field, 'bad_date', 'must be a date-time between the years 1 and 9999');
  }
  if (to.getTime() <= from.getTime()) throw badRequest('query.to', 'before_from', 'must be after from');
  if (to.getTime() - from.getTime() > MAX_CALENDAR_DAYS * DAY) {
    throw badRequest('query.to', 'window_too_long', `must be at most ${MAX_CALENDAR_DAYS} days after from`);
  }
  return { from, to };
}

/**
 * The meetings (by owner) and tasks with a due date (by assignee) in a window, read through the
 * activities and tasks services. Every member may read every meeting and task of the workspace (as
 * timelines and task lists show them), so any member may look at a colleague's calendar; ids that
 * name no member of this workspace simply find nothing.
 */
export async function calendarItems(conn: Conn, ctx: Ctx, q: CalendarQuery): Promise<CalendarItem[]> {
  const { from, to } = calendarWindow(q);
  const asked = q.members ? [...new Set(q.members.toLowerCase().split(','))] : [ctx.memberId];
  const memberIds = await memberIdsAmong(conn, ctx, asked);
  const [meetings, tasks] = [
    await meetingsBetween(conn, ctx, { from, to, ownerIds: memberIds }),
    await tasksDueBetween(conn, ctx, { from, to, assigneeIds: memberIds }),
  ];
  const names = await nameLinks(conn, ctx, [...meetings.flatMap((m) => m.links), ...tasks.flatMap((t) => t.links)]);
  const related = (links: { recordType: string; recordId: string }[]): RelatedRecord[] =>
    links.flatMap((l) => names.get(`${l.recordType}:${l.recordId}`) ?? []);
  const items: CalendarItem[] = [
    ...meetings.map((m) => ({
      id: m.id,
      kind: 'meeting' as const,
      title: m.title,
      start: m.start.toISOString(),
      end: m.end.toISOString(),
      allDay: false,
      memberId: m.ownerId,
      done: false,
      related: related(m.links),
    })),
    // A task is due at a moment, not over a span: it shows at its due time.
    ...tasks.map((t) => ({
      id: t.id,
      kind: 'task' as const,
      title: t.title,
      start: t.dueAt.toISOString(),
      end: t.dueAt.toISOString(),
      allDay: false,
      memberId: t.assigneeId,
      done: t.done,
      related: related(t.links),
    })),
  ];
  return items.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

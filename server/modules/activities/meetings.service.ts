import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AttendeeStatus, MeetingAttendee, MeetingAttendeeInput } from '../../../contract/activities.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, type FieldError, invalid } from '../../http/errors.ts';
import { memberContact } from '../auth/members.service.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { meetingAttendees, meetings } from './meetings.table.ts';

/** What a meeting adds to an activity in the API. */
export interface MeetingPart {
  attendees: MeetingAttendee[];
  location: string | null;
  cancelled: boolean;
}

export const noMeeting: MeetingPart = { attendees: [], location: null, cancelled: false };

export type MeetingRow = typeof meetings.$inferSelect;

/** The UID of a meeting made here: fixed by its id, so every invite, change and cancellation names the same event. */
export const meetingUid = (activityId: string) => `${activityId}@rapport`;

/**
 * Attendees as given, checked (422 naming `<field>.N`) and completed: a picked contact or member
 * brings their address and name (copied, so that a reply is matched by the address the invite went
 * to). Each entry names exactly one of contactId, memberId or email; the same person twice counts once.
 */
export async function resolveAttendees(
  conn: Conn,
  ctx: Ctx,
  input: MeetingAttendeeInput[],
  previous: MeetingAttendee[],
  field = 'body.attendees',
): Promise<MeetingAttendee[]> {
  const errors: FieldError[] = [];
  const out: MeetingAttendee[] = [];
  const seen = new Set<string>();
  for (const [i, a] of input.entries()) {
    const given = [a.contactId, a.memberId, a.email].filter(Boolean).length;
    if (given !== 1) {
      errors.push({ field: `${field}.${i}`, code: 'one_of', message: 'must name exactly one of contactId, memberId or email' });
      continue;
    }
    let entry: MeetingAttendee | null = null;
    if (a.contactId) {
      try {
        const c = await getContact(conn, ctx, a.contactId);
        const name = [c.firstName, c.lastName].filter(Boolean).join(' ') || null;
        entry = { contactId: c.id, memberId: null, email: c.emails[0]?.value.toLowerCase() ?? null, name, status: 'needs-action' };
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        errors.push({ field: `${field}.${i}.contactId`, code: 'unknown_record', message: 'is not a contact of this workspace' });
        continue;
      }
    } else if (a.memberId) {
      const m = await memberContact(conn, ctx, a.memberId);
      if (!m) {
        errors.push({ field: `${field}.${i}.memberId`, code: 'unknown_member', message: 'is not a member of this workspace' });
        continue;
      }
      entry = { contactId: null, memberId: a.memberId, email: m.email.toLowerCase(), name: m.name, status: 'needs-action' };
    } else if (a.email) {
      entry = { contactId: null, memberId: null, email: a.email.toLowerCase(), name: a.name?.trim() || null, status: 'needs-action' };
    }
    if (!entry) continue;
    if (a.name?.trim()) entry.name = a.name.trim();
    const key = entry.contactId ?? entry.memberId ?? entry.email ?? '';
    if (seen.has(key) || (entry.email && seen.has(entry.email))) continue;
    seen.add(key);
    if (entry.email) seen.add(entry.email);
    // Someone kept on the list keeps their answer, unless the request sets it.
    const before = previous.find(
      (p) =>
        (entry.contactId && p.contactId === entry.contactId) ||
        (entry.memberId && p.memberId === entry.memberId) ||
        (entry.email && p.email === entry.email),
    );
    entry.status = a.status ?? before?.status ?? 'needs-action';
    out.push(entry);
  }
  if (errors.length) throw invalid(errors);
  return out;
}

/** The meeting parts of some activities, by activity id (absent for activities without one). */
export async function meetingsOf(conn: Conn, ctx: Ctx, ids: string[]): Promise<Map<string, MeetingPart & { row: MeetingRow }>> {
  const out = new Map<string, MeetingPart & { row: MeetingRow }>();
  if (!ids.length) return out;
  const rows = await conn
    .select()
    .from(meetings)
    .where(and(eq(meetings.workspaceId, ctx.workspaceId), inArray(meetings.activityId, ids)));
  for (const row of rows) out.set(row.activityId, { row, location: row.location, cancelled: row.cancelled, attendees: [] });
  if (!rows.length) return out;
  const people = await conn
    .select()
    .from(meetingAttendees)
    .where(
      and(
        eq(meetingAttendees.workspaceId, ctx.workspaceId),
        inArray(
          meetingAttendees.activityId,
          rows.map((r) => r.activityId),
        ),
      ),
    )
    .orderBy(asc(meetingAttendees.activityId), asc(meetingAttendees.position));
  for (const p of people) {
    out.get(p.activityId)?.attendees.push({ contactId: p.contactId, memberId: p.memberId, email: p.email, name: p.name, status: p.status });
  }
  return out;
}

export async function meetingOf(conn: Conn, ctx: Ctx, id: string) {
  return (await meetingsOf(conn, ctx, [id])).get(id) ?? null;
}

/** Writes a meeting's row (made on first write) and, when given, replaces its attendees. */
export async function saveMeeting(
  conn: Conn,
  ctx: Ctx,
  activityId: string,
  values: Partial<Omit<MeetingRow, 'workspaceId' | 'activityId'>>,
  attendees?: MeetingAttendee[],
) {
  await conn
    .insert(meetings)
    .values({ workspaceId: ctx.workspaceId, activityId, icalUid: meetingUid(activityId), ...values })
    .onConflictDoUpdate({
      target: [meetings.workspaceId, meetings.activityId],
      set: Object.keys(values).length ? values : { activityId },
    });
  if (!attendees) return;
  await conn
    .delete(meetingAttendees)
    .where(and(eq(meetingAttendees.workspaceId, ctx.workspaceId), eq(meetingAttendees.activityId, activityId)));
  if (attendees.length) {
    await conn
      .insert(meetingAttendees)
      .values(attendees.map((a, position) => ({ workspaceId: ctx.workspaceId, activityId, position, ...a })));
  }
}

/** The meeting whose invites carry this UID, in this workspace. */
export async function meetingByUid(conn: Conn, ctx: Ctx, uid: string) {
  const [row] = await conn
    .select()
    .from(meetings)
    .where(and(eq(meetings.workspaceId, ctx.workspaceId), eq(meetings.icalUid, uid)));
  return row ?? null;
}

/**
 * Sets the answer of the attendees with these addresses (a METHOD:REPLY from their calendar).
 * Returns whether anything changed.
 */
export async function setAttendeeStatus(conn: Conn, ctx: Ctx, activityId: string, answers: { email: string; status: AttendeeStatus }[]) {
  let changed = false;
  for (const a of answers) {
    const rows = await conn
      .update(meetingAttendees)
      .set({ status: a.status })
      .where(
        and(
          eq(meetingAttendees.workspaceId, ctx.workspaceId),
          eq(meetingAttendees.activityId, activityId),
          eq(meetingAttendees.email, a.email.toLowerCase()),
          sql`${meetingAttendees.status} is distinct from ${a.status}`,
        ),
      )
      .returning({ position: meetingAttendees.position });
    if (rows.length) changed = true;
  }
  return changed;
}

import { MAX_DURATION_SECONDS, type RecordLink } from '../../../contract/activities.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { JobLog } from '../../jobs/define.ts';
import { memberIdsByEmail } from '../auth/members.service.ts';
import { emitEvent } from '../history/history.service.ts';
import { contactsByEmail } from '../imports/imports.queries.ts';
import { createActivity, getActivity, updateActivity } from './activities.service.ts';
import { BadInvite, type Invite, parseInvite } from './meetings.ics.ts';
import { meetingByUid, meetingOf, saveMeeting, setAttendeeStatus } from './meetings.service.ts';

/** The email a calendar part came with, as the email module stored it. */
export interface CalendarMail {
  /** The text of its text/calendar part. */
  ics: string;
  messageId: string;
  from: string | null;
  /** The records the email was matched to (its contacts, their companies and deals). */
  links: RecordLink[];
  /** Whether the email's thread is shared: a meeting from a private one keeps its title and text private too. */
  shared: boolean;
}

const durationOf = (inv: Invite) =>
  Math.min(MAX_DURATION_SECONDS, Math.max(0, Math.round((inv.end.getTime() - inv.start.getTime()) / 1000)));

/**
 * The invite's attendees as ours: each address that is a member's or a contact's is linked to them
 * (so the meeting is on their calendar and the contact page shows who came), the rest stay addresses.
 */
async function attendeesOf(conn: Conn, ctx: Ctx, inv: Invite) {
  const emails = inv.attendees.map((a) => a.email.toLowerCase());
  // One after the other: both go over the sync's one transaction, which runs a query at a time anyway.
  const memberIds = await memberIdsByEmail(conn, ctx, emails);
  const contactIds = await contactsByEmail(conn, ctx, emails);
  return inv.attendees.map((a) => {
    const email = a.email.toLowerCase();
    const memberId = memberIds.get(email) ?? null;
    return { contactId: memberId ? null : (contactIds.get(email) ?? null), memberId, email, name: a.name, status: a.status };
  });
}

/** Tells the timelines showing the meeting that it changed (the live feed refreshes on record events). */
async function announce(conn: Conn, ctx: Ctx, id: string, field: string, old: unknown, next: unknown) {
  const after = await getActivity(conn, ctx, id).catch(() => null);
  if (after) await emitEvent(conn, ctx, 'activity.updated', 'activity', id, { changes: [{ field, old, new: next }], after });
}

/**
 * Acts on the calendar part of a synced email (RFC 5546):
 * - REPLY to a meeting of ours (by UID): the answering attendee's status, when the reply comes from
 *   that attendee's own address (a reply cannot answer for someone else);
 * - REQUEST for a UID we do not know: a meeting on the timelines the email is on, with its
 *   attendees; a later REQUEST with a higher SEQUENCE updates it; our own invites (a copy in Sent,
 *   an echo) change nothing;
 * - CANCEL of such a meeting: marked cancelled.
 * A calendar part that cannot be read is skipped with a log line saying why; the email stays.
 * Returns what was done, for the log and the tests.
 */
export async function applyCalendarMail(conn: Conn, ctx: Ctx, mail: CalendarMail, log: JobLog): Promise<string> {
  let inv: Invite;
  try {
    inv = parseInvite(mail.ics);
  } catch (err) {
    if (!(err instanceof BadInvite)) throw err;
    log.warn({ messageId: mail.messageId, reason: err.message }, `calendar invite skipped: ${err.message}`);
    return `skipped: ${err.message}`;
  }
  const known = await meetingByUid(conn, ctx, inv.uid);

  if (inv.method === 'REPLY') {
    if (!known || known.external) return 'reply to no meeting of ours';
    const from = mail.from?.toLowerCase();
    const answers = inv.attendees.filter((a) => a.email === from);
    const before = await meetingOf(conn, ctx, known.activityId);
    if (!answers.length || !(await setAttendeeStatus(conn, ctx, known.activityId, answers))) return 'reply changed nothing';
    const after = await meetingOf(conn, ctx, known.activityId);
    await announce(conn, ctx, known.activityId, 'attendees', before?.attendees ?? [], after?.attendees ?? []);
    return `reply: ${answers.map((a) => `${a.email} ${a.status}`).join(', ')}`;
  }

  if (known && !known.external) return 'our own meeting';

  if (inv.method === 'CANCEL') {
    if (!known || known.cancelled || inv.sequence < known.sequence) return 'cancel of nothing we hold';
    await saveMeeting(conn, ctx, known.activityId, { cancelled: true, sequence: inv.sequence });
    await announce(conn, ctx, known.activityId, 'cancelled', false, true);
    return 'cancelled';
  }

  const content = mail.shared ? { subject: inv.summary || null, body: inv.description } : { subject: null, body: null };
  const meeting = {
    icalUid: inv.uid,
    sequence: inv.sequence,
    location: inv.location,
    organizer: inv.organizer.email || null,
    external: true,
    cancelled: false,
  };
  if (known) {
    if (inv.sequence <= known.sequence) return 'an older or the same version';
    const current = await getActivity(conn, ctx, known.activityId).catch(() => null);
    if (!current) return 'the meeting is in the trash';
    await saveMeeting(conn, ctx, known.activityId, meeting, await attendeesOf(conn, ctx, inv));
    await updateActivity(conn, ctx, known.activityId, current.version, {
      ...content,
      occurredAt: inv.start.toISOString(),
      durationSeconds: durationOf(inv),
    });
    return 'updated';
  }
  if (!mail.links.length) return 'on no timeline: nobody of the invite is known';
  const created = await createActivity(
    conn,
    ctx,
    {
      type: 'meeting',
      ...content,
      occurredAt: inv.start.toISOString(),
      durationSeconds: durationOf(inv),
      links: mail.links,
      autoLink: true,
    },
    { private: !mail.shared },
  );
  const attendees = await attendeesOf(conn, ctx, inv);
  await saveMeeting(conn, ctx, created.id, meeting, attendees);
  await announce(conn, ctx, created.id, 'attendees', [], attendees);
  return 'created';
}

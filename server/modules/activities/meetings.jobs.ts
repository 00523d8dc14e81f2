import { and, eq } from 'drizzle-orm';
import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { systemCtx } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { defineJob } from '../../jobs/define.ts';
import { findMailbox } from '../email/email.service.ts';
import { sendCalendarMessage } from '../email/send.ts';
import { activities } from './activities.table.ts';
import { buildInvite } from './meetings.ics.ts';
import { meetingOf } from './meetings.service.ts';

/** A meeting without a duration is put in calendars as half an hour. */
const DEFAULT_MINUTES = 30;

/**
 * Emails a meeting's invite (METHOD:REQUEST) or cancellation (METHOD:CANCEL) to its attendees
 * from the organizer's mailbox. It reads the meeting as it is when it runs, so that of several
 * quick edits the attendees get the newest state (with its SEQUENCE); a try after a failure sends
 * the same Message-ID again (the job's id is in it).
 */
export const inviteJob = defineJob({
  name: 'activities.invite',
  input: Type.Object(
    {
      activityId: Uuid,
      method: Type.Union([Type.Literal('REQUEST'), Type.Literal('CANCEL')]),
      /** Only these addresses (attendees taken off the list are sent a CANCEL). */
      only: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
    },
    { additionalProperties: false },
  ),
  retry: { attempts: 5, baseMs: 30_000, maxMs: 30 * 60_000 },
  run: async ({ id: jobId, input, workspaceId, db, log }) => {
    if (!workspaceId) throw new Error('an invite job needs its workspace');
    const [activity] = await db
      .select()
      .from(activities)
      .where(and(eq(activities.workspaceId, workspaceId), eq(activities.id, input.activityId)));
    if (!activity) return { sent: 0, reason: 'the meeting was deleted for good' };
    const ctx = systemCtx(workspaceId, activity.createdBy ?? activity.ownerId ?? '00000000-0000-0000-0000-000000000000');
    const meeting = await meetingOf(db, ctx, activity.id);
    if (!meeting?.row.mailboxId) return { sent: 0, reason: 'no invites were asked for' };
    let mb: Awaited<ReturnType<typeof findMailbox>>;
    try {
      mb = await findMailbox(db, ctx, meeting.row.mailboxId);
    } catch (err) {
      if (err instanceof AppError && err.status === 404) {
        log.warn({ activityId: activity.id }, 'the mailbox invites go out from was disconnected: nothing sent');
        return { sent: 0, reason: 'the mailbox was disconnected' };
      }
      throw err;
    }
    const attendees = meeting.attendees.filter((a): a is typeof a & { email: string } => Boolean(a.email) && a.email !== mb.address);
    const to = input.only ? input.only : attendees.map((a) => a.email);
    if (!to.length) return { sent: 0 };
    const start = activity.occurredAt;
    const end = new Date(start.getTime() + (activity.durationSeconds ?? DEFAULT_MINUTES * 60) * 1000);
    const summary = activity.subject || 'Meeting';
    const cancelling = input.method === 'CANCEL';
    const ics = buildInvite({
      method: input.method,
      uid: meeting.row.icalUid,
      sequence: meeting.row.sequence,
      start,
      end,
      summary,
      description: activity.body,
      location: meeting.location,
      organizer: { email: mb.address, name: mb.name },
      // A cancellation for people taken off the list names them; otherwise the list as it is.
      attendees: cancelling && input.only ? input.only.map((email) => ({ email, name: null, status: 'needs-action' })) : attendees,
    });
    const when = `${start.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const lines = [
      cancelling ? `This meeting is cancelled: ${summary}` : `You are invited to: ${summary}`,
      `When: ${when}`,
      meeting.location ? `Where: ${meeting.location}` : '',
      activity.body ? `\n${activity.body}` : '',
    ];
    await sendCalendarMessage(mb, {
      to,
      subject: `${cancelling ? 'Cancelled' : meeting.row.sequence > 0 ? 'Updated invitation' : 'Invitation'}: ${summary}`,
      text: lines.filter(Boolean).join('\n'),
      method: input.method,
      ics,
      messageKey: `invite.${jobId}`,
    });
    return { sent: to.length, sequence: meeting.row.sequence };
  },
});

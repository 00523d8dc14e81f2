import { boolean, foreignKey, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { activities } from './activities.table.ts';

/**
 * What a meeting has beyond an activity: where, its iCalendar identity (UID and SEQUENCE, the
 * same for every invite, update and cancellation of it) and, for an invite that came in by email,
 * who organizes it. One row per meeting activity that has any of these.
 */
export const meetings = pgTable(
  'meetings',
  {
    workspaceId: uuid('workspace_id').notNull(),
    activityId: uuid('activity_id').notNull(),
    location: text('location'),
    icalUid: text('ical_uid').notNull(),
    /** Raised on every change of time, place or attendees, so calendars take the newest invite. */
    sequence: integer('sequence').notNull().default(0),
    /** The mailbox our invites go out from; null until invites were asked for. */
    mailboxId: uuid('mailbox_id'),
    /** The ORGANIZER of an invite that came in from outside (external meetings are not ours to send). */
    organizer: text('organizer'),
    external: boolean('external').notNull().default(false),
    cancelled: boolean('cancelled').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.activityId] }),
    foreignKey({ columns: [t.workspaceId, t.activityId], foreignColumns: [activities.workspaceId, activities.id] }).onDelete('cascade'),
    uniqueIndex('meetings_uid_idx').on(t.workspaceId, t.icalUid),
  ],
);

export const meetingAttendees = pgTable(
  'meeting_attendees',
  {
    workspaceId: uuid('workspace_id').notNull(),
    activityId: uuid('activity_id').notNull(),
    /** Their place in the list as given. */
    position: integer('position').notNull(),
    contactId: uuid('contact_id'),
    memberId: uuid('member_id'),
    /** Lower-case; copied from the contact or member when they were picked (replies are matched by it). */
    email: text('email'),
    name: text('name'),
    status: text('status', { enum: ['needs-action', 'accepted', 'declined', 'tentative'] })
      .notNull()
      .default('needs-action'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.activityId, t.position] }),
    foreignKey({ columns: [t.workspaceId, t.activityId], foreignColumns: [meetings.workspaceId, meetings.activityId] }).onDelete('cascade'),
  ],
);

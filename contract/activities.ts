import Type, { type Static } from 'typebox';
import { CustomValues, LongText, Nullable, RecordMeta, ShortText, Timestamp, Uuid } from './common.ts';

// The same list as the `type` column of server/modules/activities/activities.table.ts; the contract
// cannot import server code, because the web app takes its types from here.
export const activityTypes = ['note', 'call', 'meeting', 'email', 'chat'] as const;
export type ActivityType = (typeof activityTypes)[number];

/** Records an activity or a task can concern. */
export const linkableTypes = ['company', 'contact', 'lead', 'deal', 'custom_record'] as const;
export type LinkableType = (typeof linkableTypes)[number];
/** The URL segment of each linkable type: `/api/v1/companies/:id/timeline`. */
export const linkablePaths: Record<LinkableType, string> = {
  company: 'companies',
  contact: 'contacts',
  lead: 'leads',
  deal: 'deals',
  custom_record: 'custom-records',
};

export const RecordLink = Type.Object({ recordType: Type.Enum(linkableTypes), recordId: Uuid }, { additionalProperties: false });
export type RecordLink = Static<typeof RecordLink>;

export const MAX_ACTIVITY_LINKS = 50;
export const MAX_DURATION_SECONDS = 86_400 * 7;
export const MAX_MENTIONS = 50;

export const MAX_ATTENDEES = 100;
export const attendeeStatuses = ['needs-action', 'accepted', 'declined', 'tentative'] as const;
export type AttendeeStatus = (typeof attendeeStatuses)[number];

/** Someone asked to a meeting: a contact, a member, or only an address; email and name are copied when set. */
export const MeetingAttendee = Type.Object(
  {
    contactId: Nullable(Uuid),
    memberId: Nullable(Uuid),
    email: Nullable(Type.String()),
    name: Nullable(Type.String()),
    status: Type.Enum(attendeeStatuses),
  },
  { additionalProperties: false },
);
export type MeetingAttendee = Static<typeof MeetingAttendee>;

export const MeetingAttendeeInput = Type.Object(
  {
    contactId: Type.Optional(Uuid),
    memberId: Type.Optional(Uuid),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(Type.Enum(attendeeStatuses)),
  },
  { additionalProperties: false, description: 'One of contactId, memberId or email' },
);
export type MeetingAttendeeInput = Static<typeof MeetingAttendeeInput>;

export const Activity = Type.Object({
  ...RecordMeta,
  type: Type.Enum(activityTypes),
  subject: Nullable(Type.String()),
  body: Nullable(Type.String()),
  occurredAt: Timestamp,
  durationSeconds: Nullable(Type.Integer()),
  outcome: Nullable(Type.String()),
  ownerId: Nullable(Uuid),
  /** The members the text mentions (`@Name`), by id. */
  mentions: Type.Array(Uuid),
  /** Its content is private (a private email): subject and body are empty here; the email says who may read it. */
  private: Type.Boolean(),
  custom: Type.Record(Type.String(), Type.Unknown()),
  links: Type.Array(RecordLink),
  /** A meeting's attendees and their answers (empty for other activities). */
  attendees: Type.Array(MeetingAttendee),
  location: Nullable(Type.String()),
  /** A meeting its organizer called off (an invite from outside cancelled by METHOD:CANCEL). */
  cancelled: Type.Boolean(),
});
export type Activity = Static<typeof Activity>;

const fields = {
  type: Type.Enum(activityTypes),
  subject: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
  body: Type.Optional(Nullable(LongText)),
  occurredAt: Type.Optional(Timestamp),
  durationSeconds: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: MAX_DURATION_SECONDS }))),
  outcome: Type.Optional(Nullable(ShortText())),
  ownerId: Type.Optional(Nullable(Uuid)),
  mentions: Type.Optional(
    Type.Array(Uuid, {
      maxItems: MAX_MENTIONS,
      description: 'Members the text mentions; each newly mentioned member is notified (on update only those not mentioned before)',
    }),
  ),
  custom: Type.Optional(CustomValues),
  links: Type.Array(RecordLink, {
    minItems: 1,
    maxItems: MAX_ACTIVITY_LINKS,
    description: 'The records this activity shows on; on update the list replaces the current one',
  }),
  attendees: Type.Optional(
    Type.Array(MeetingAttendeeInput, {
      maxItems: MAX_ATTENDEES,
      description: 'Meetings only: who is asked; on update the list replaces the current one (answers of those kept stay)',
    }),
  ),
  location: Type.Optional(Nullable(Type.String({ maxLength: 300, description: 'Meetings only: where it takes place' }))),
  sendInvites: Type.Optional(
    Type.Boolean({
      description:
        'Meetings only: email an iCalendar invite (METHOD:REQUEST) to the attendees from your own connected mailbox; once invited, later changes of time, place or attendees are sent as updates and deleting sends a cancellation',
    }),
  ),
  autoLink: Type.Optional(
    Type.Boolean({ description: 'Also link the companies of linked contacts, so the activity shows on their timelines (default true)' }),
  ),
};

export const ActivityCreate = Type.Object(fields, { additionalProperties: false });
export type ActivityCreate = Static<typeof ActivityCreate>;

export const ActivityUpdate = Type.Object(
  {
    ...fields,
    type: Type.Optional(fields.type),
    links: Type.Optional(fields.links),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type ActivityUpdate = Static<typeof ActivityUpdate>;

export const TimelineQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    types: Type.Optional(
      Type.String({
        maxLength: 100,
        pattern: `^(${activityTypes.join('|')})(,(${activityTypes.join('|')}))*$`,
        description: 'Comma-separated activity types to show, e.g. `call,note`',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TimelineQuery = Static<typeof TimelineQuery>;

import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';
import { RelatedRecord } from './tasks.ts';

/** The longest window one calendar request may ask for: a month view with its spill-over weeks fits many times. */
export const MAX_CALENDAR_DAYS = 100;

const uuidText = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const calendarKinds = ['meeting', 'task'] as const;

export const CalendarQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time', maxLength: 40, description: 'Start of the window (inclusive)' }),
    to: Type.String({
      format: 'date-time',
      maxLength: 40,
      description: `End of the window (exclusive); at most ${MAX_CALENDAR_DAYS} days after from`,
    }),
    members: Type.Optional(
      Type.String({
        maxLength: 37 * 50,
        pattern: `^${uuidText}(,${uuidText})*$`,
        description: 'Comma-separated member ids whose meetings (owned) and tasks (assigned) to show; default: mine',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CalendarQuery = Static<typeof CalendarQuery>;

/** A meeting or a task with a due date, as a calendar shows it. */
export const CalendarItem = Type.Object({
  id: Uuid,
  kind: Type.Enum(calendarKinds),
  title: Type.String(),
  start: Timestamp,
  /** A meeting's start plus its duration (its start when it has none); a task's due time. */
  end: Timestamp,
  allDay: Type.Boolean(),
  /** A meeting's owner or a task's assignee. */
  memberId: Nullable(Uuid),
  /** Tasks: whether it is done (meetings: false). */
  done: Type.Boolean(),
  /** The records it concerns, named, to link to. */
  related: Type.Array(RelatedRecord),
});
export type CalendarItem = Static<typeof CalendarItem>;

export const CalendarItems = Type.Object({ data: Type.Array(CalendarItem) });

/** The signed-in member's private calendar feed: whether one is live, and since when (the URL is shown once). */
export const CalendarFeed = Type.Object({
  active: Type.Boolean(),
  createdAt: Nullable(Timestamp),
});
export type CalendarFeed = Static<typeof CalendarFeed>;

export const CalendarFeedCreated = Type.Object({
  active: Type.Boolean(),
  createdAt: Nullable(Timestamp),
  url: Type.String({ description: 'The feed address, with its secret token: shown only now' }),
});

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
  custom: Type.Record(Type.String(), Type.Unknown()),
  links: Type.Array(RecordLink),
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

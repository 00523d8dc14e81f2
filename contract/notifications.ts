import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Uuid, UuidParam } from './common.ts';

/** What a notification is about; a member's preferences switch each kind but `system` on or off. */
export const notificationKinds = ['task_reminder', 'mention', 'assignment', 'automation', 'digest', 'system'] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** A message to one member (an automation's notice, a rate guard's warning), with a link to the record it is about. */
export const Notification = Type.Object({
  id: Uuid,
  memberId: Uuid,
  kind: Type.Enum(notificationKinds),
  title: Type.String({ description: 'What it is about: the task, the note, the rule’s message' }),
  body: Nullable(Type.String()),
  recordType: Nullable(Type.String({ description: 'deal, contact … or a custom object key: the record the notice links to' })),
  recordId: Nullable(Uuid),
  activityId: Nullable(Uuid),
  actorId: Nullable(Uuid),
  readAt: Nullable(Timestamp),
  createdAt: Timestamp,
});
export type Notification = Static<typeof Notification>;

export const NotificationListQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean({ description: 'true: only those not read yet' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(UuidParam('nextCursor of the previous page')),
  },
  { additionalProperties: false },
);
export type NotificationListQuery = Static<typeof NotificationListQuery>;

export const UnreadCount = Type.Object({ count: Type.Integer() });
export const MarkedRead = Type.Object({ marked: Type.Integer({ description: 'Notices marked read by this call' }) });

/** Which notifications a member receives, and whether they want a daily digest (08:00 in their time zone). */
export const NotificationPreferences = Type.Object({
  taskReminders: Type.Boolean(),
  mentions: Type.Boolean(),
  assignments: Type.Boolean(),
  automation: Type.Boolean(),
  dailyDigest: Type.Boolean(),
  byEmail: Type.Boolean({
    description:
      'Each notice the member receives is also emailed to their address, from the mailbox an admin chose for notifications (NotificationSettings)',
  }),
});
export type NotificationPreferences = Static<typeof NotificationPreferences>;

export const NotificationPreferencesUpdate = Type.Partial(NotificationPreferences, { additionalProperties: false });
export type NotificationPreferencesUpdate = Static<typeof NotificationPreferencesUpdate>;

/** The workspace's choices for notices by email: which shared mailbox sends them (none: notices stay in the app). */
export const NotificationSettings = Type.Object({
  senderMailboxId: Nullable(Uuid),
});
export type NotificationSettings = Static<typeof NotificationSettings>;

export const NotificationSettingsUpdate = Type.Object(
  { senderMailboxId: Nullable(UuidParam('A shared mailbox of this workspace, or null to send none')) },
  { additionalProperties: false },
);
export type NotificationSettingsUpdate = Static<typeof NotificationSettingsUpdate>;

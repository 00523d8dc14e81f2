import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Uuid, UuidParam } from './common.ts';

/** A message to one member (an automation's notice, a rate guard's warning), with a link to the record it is about. */
export const Notification = Type.Object({
  id: Uuid,
  memberId: Uuid,
  title: Type.String(),
  body: Nullable(Type.String()),
  recordType: Nullable(Type.String({ description: 'deal, contact … or a custom object key: the record the notice links to' })),
  recordId: Nullable(Uuid),
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

import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';

/** The record types that go to the trash and come back: the built-in objects, activities, tasks and custom objects' records. */
export const trashTypes = ['company', 'contact', 'lead', 'deal', 'task', 'activity', 'custom_record'] as const;
export type TrashType = (typeof trashTypes)[number];

export const TrashItem = Type.Object({
  type: Type.Enum(trashTypes),
  id: Uuid,
  /** A custom object's key, for a record of one (its list and restore route are under /objects/{key}); null otherwise. */
  objectKey: Nullable(Type.String()),
  /** The record's name as lists show it (a contact's full name, a task's title, an activity's subject). */
  name: Type.String(),
  deletedAt: Timestamp,
  /** Who moved it to the trash, from its history: a member, an API key or the system; null when history has no delete entry. */
  deletedBy: Nullable(
    Type.Object({
      actorType: Type.Enum(['member', 'api_key', 'system']),
      actorId: Nullable(Uuid),
    }),
  ),
  /** The record it was merged into, when a merge put it in the trash (undo the merge to bring it back with its links). */
  mergedInto: Nullable(Uuid),
});
export type TrashItem = Static<typeof TrashItem>;

export const TrashQuery = Type.Object(
  {
    type: Type.Optional(Type.Enum(trashTypes, { description: 'Only records of this type' })),
    object: Type.Optional(
      Type.String({
        maxLength: 63,
        pattern: '^[a-z][a-z0-9_]*$',
        description: 'With type=custom_record: only records of this custom object',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type TrashQuery = Static<typeof TrashQuery>;

export const TrashParams = Type.Object({ type: Type.Enum(trashTypes), id: Uuid }, { additionalProperties: false });

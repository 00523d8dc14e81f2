import Type, { type Static } from 'typebox';
import { Nullable, RecordMeta, ShortText, Timestamp, Uuid, UuidParam } from './common.ts';
import { FieldObjectType } from './fields.ts';

// Static lists: a named set of records of one object ("VIP customers", "Trade fair 2025 leads"),
// filled by hand, by a bulk selection or by automation. Unlike a saved view, a list does not follow a
// filter: a record stays in it until it is taken out (or deleted for good).

/** A built-in object or a custom object's key. */
export const ListObjectType = FieldObjectType;

export const RecordList = Type.Object({
  ...RecordMeta,
  objectType: ListObjectType,
  name: Type.String(),
  description: Nullable(Type.String()),
  /** Records in the list that are not in the trash. */
  memberCount: Type.Integer(),
});
export type RecordList = Static<typeof RecordList>;

const Description = Type.String({ maxLength: 2000 });

export const RecordListCreate = Type.Object(
  {
    name: ShortText({ minLength: 1 }),
    objectType: ListObjectType,
    description: Type.Optional(Nullable(Description)),
  },
  { additionalProperties: false },
);
export type RecordListCreate = Static<typeof RecordListCreate>;

export const RecordListUpdate = Type.Object(
  {
    name: Type.Optional(ShortText({ minLength: 1 })),
    description: Type.Optional(Nullable(Description)),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type RecordListUpdate = Static<typeof RecordListUpdate>;

export const RecordListQuery = Type.Object(
  {
    objectType: Type.Optional(ListObjectType),
    recordId: Type.Optional(UuidParam('Only the lists this record is in')),
  },
  { additionalProperties: false },
);
export type RecordListQuery = Static<typeof RecordListQuery>;

export const ListMember = Type.Object({
  id: Uuid,
  /** The record's name as search and links name it. */
  title: Type.String(),
  addedAt: Timestamp,
});
export type ListMember = Static<typeof ListMember>;

export const ListMembersQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);
export type ListMembersQuery = Static<typeof ListMembersQuery>;

export const ListMembersPage = Type.Object({ data: Type.Array(ListMember), nextCursor: Nullable(Type.String()) });

/** Record ids to add or take out; at most 10,000 a call. */
export const ListMemberIds = Type.Object({ ids: Type.Array(Uuid, { minItems: 1, maxItems: 10_000 }) }, { additionalProperties: false });
export type ListMemberIds = Static<typeof ListMemberIds>;

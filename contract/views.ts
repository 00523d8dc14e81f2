import Type, { type Static } from 'typebox';
import { Nullable, RecordMeta, ShortText, Uuid } from './common.ts';
import { FieldObjectType } from './fields.ts';

/** A built-in object or a custom object's key. */
export const ViewObjectType = FieldObjectType;

export const SavedView = Type.Object({
  ...RecordMeta,
  objectType: ViewObjectType,
  name: Type.String(),
  filter: Type.Unknown({ description: 'A filter in the list filter language, or null' }),
  sort: Nullable(Type.String()),
  columns: Nullable(Type.Array(Type.String())),
  visibility: Type.Enum(['private', 'shared'] as const),
  ownerId: Uuid,
});
export type SavedView = Static<typeof SavedView>;

const Columns = Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 });

export const SavedViewCreate = Type.Object(
  {
    objectType: ViewObjectType,
    name: ShortText({ minLength: 1 }),
    filter: Type.Optional(Type.Unknown()),
    sort: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    columns: Type.Optional(Nullable(Columns)),
    visibility: Type.Optional(Type.Enum(['private', 'shared'] as const)),
  },
  { additionalProperties: false },
);
export type SavedViewCreate = Static<typeof SavedViewCreate>;

export const SavedViewUpdate = Type.Object(
  {
    name: Type.Optional(ShortText({ minLength: 1 })),
    filter: Type.Optional(Type.Unknown()),
    sort: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    columns: Type.Optional(Nullable(Columns)),
    visibility: Type.Optional(Type.Enum(['private', 'shared'] as const)),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type SavedViewUpdate = Static<typeof SavedViewUpdate>;

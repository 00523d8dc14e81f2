import Type, { type Static } from 'typebox';
import { Nullable, RecordMeta, ShortText } from './common.ts';

import { customFieldTypes, customObjectTypes } from './enums.ts';

export { type CustomFieldType, customFieldTypes, customObjectTypes, relationTargets } from './enums.ts';

/** A built-in object type or a custom object's key. */
export const FieldObjectType = Type.String({
  pattern: '^[a-z][a-z0-9_]{1,39}$',
  description: `${customObjectTypes.join(', ')}, or a custom object's key`,
});

const Options = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200, uniqueItems: true });

export const FieldDefinition = Type.Object({
  ...RecordMeta,
  objectType: Type.String(),
  key: Type.String(),
  label: Type.String(),
  type: Type.Enum(customFieldTypes),
  options: Nullable(Type.Array(Type.String())),
  /** What a relation field points to: a built-in object or a custom object's key. */
  target: Nullable(Type.String()),
  required: Type.Boolean(),
  position: Type.Integer(),
});
export type FieldDefinition = Static<typeof FieldDefinition>;

export const FieldDefinitionCreate = Type.Object(
  {
    objectType: FieldObjectType,
    key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'snake_case; the key under `custom`' }),
    label: ShortText({ minLength: 1 }),
    type: Type.Enum(customFieldTypes),
    options: Type.Optional(Options),
    target: Type.Optional(FieldObjectType),
    required: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  },
  { additionalProperties: false },
);
export type FieldDefinitionCreate = Static<typeof FieldDefinitionCreate>;

export const FieldDefinitionUpdate = Type.Object(
  {
    label: Type.Optional(ShortText({ minLength: 1 })),
    options: Type.Optional(Options),
    required: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type FieldDefinitionUpdate = Static<typeof FieldDefinitionUpdate>;

/** A money value held in a currency custom field. */
export const CurrencyValue = Type.Object({ amountMinor: Type.Integer(), currency: Type.String() }, { additionalProperties: false });

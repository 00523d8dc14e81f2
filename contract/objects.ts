import Type, { type Static } from 'typebox';
import { CustomValues, Nullable, RecordMeta, ShortText, Uuid } from './common.ts';

/**
 * Custom objects: types of record an admin defines in Settings (Projects, Properties, Candidates),
 * with fields of every custom-field kind and relations to other records. Each gets the lists,
 * filters, views, record page, timeline, tasks, history, search, bulk edit and API routes of a
 * built-in object.
 */

/** Names a custom object may not take: the built-in objects, and words the API and app use. */
export const reservedObjectKeys = [
  'company',
  'companies',
  'contact',
  'contacts',
  'lead',
  'leads',
  'deal',
  'deals',
  'activity',
  'activities',
  'task',
  'tasks',
  'ticket',
  'tickets',
  'pipeline',
  'pipelines',
  'stage',
  'stages',
  'field',
  'fields',
  'view',
  'views',
  'saved_view',
  'member',
  'members',
  'workspace',
  'workspaces',
  'user',
  'users',
  'import',
  'imports',
  'job',
  'jobs',
  'report',
  'reports',
  'search',
  'object',
  'objects',
  'record',
  'records',
  'custom',
  'custom_record',
  'field_definition',
  'settings',
  'home',
  'board',
  'trash',
  'api',
  'auth',
  'me',
  'new',
  'all',
  'id',
  'ticket',
  'tickets',
  'email',
  'emails',
] as const;

import { objectIcons } from './enums.ts';

export { objectIcons } from './enums.ts';

export const MAX_OBJECT_TYPES = 50;

export const ObjectKey = Type.String({
  pattern: '^[a-z][a-z0-9_]{1,39}$',
  description: 'snake_case, 2–40 characters; the object’s name in URLs and in field definitions',
});

export const ObjectTypeDef = Type.Object({
  ...RecordMeta,
  key: Type.String(),
  label: Type.String({ description: 'One record: "Project"' }),
  labelPlural: Type.String({ description: 'The list: "Projects"' }),
  icon: Type.Enum(objectIcons),
  /** Records of this type not in the trash. */
  recordCount: Type.Integer(),
});
export type ObjectTypeDef = Static<typeof ObjectTypeDef>;

export const ObjectTypeCreate = Type.Object(
  {
    key: ObjectKey,
    label: ShortText({ minLength: 1 }),
    labelPlural: ShortText({ minLength: 1 }),
    icon: Type.Optional(Type.Enum(objectIcons)),
  },
  { additionalProperties: false },
);
export type ObjectTypeCreate = Static<typeof ObjectTypeCreate>;

export const ObjectTypeUpdate = Type.Object(
  {
    label: Type.Optional(ShortText({ minLength: 1 })),
    labelPlural: Type.Optional(ShortText({ minLength: 1 })),
    icon: Type.Optional(Type.Enum(objectIcons)),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ObjectTypeUpdate = Static<typeof ObjectTypeUpdate>;

export const ObjectKeyParams = Type.Object({ objectKey: ObjectKey }, { additionalProperties: false });
export const ObjectRecordParams = Type.Object({ objectKey: ObjectKey, id: Uuid }, { additionalProperties: false });

export const CustomRecord = Type.Object({
  ...RecordMeta,
  objectKey: Type.String(),
  name: Type.String(),
  ownerId: Nullable(Uuid),
  lastActivityAt: Nullable(Type.String()),
  custom: Type.Record(Type.String(), Type.Unknown()),
});
export type CustomRecord = Static<typeof CustomRecord>;

export const CustomRecordCreate = Type.Object(
  { name: ShortText({ minLength: 1 }), ownerId: Type.Optional(Nullable(Uuid)), custom: Type.Optional(CustomValues) },
  { additionalProperties: false },
);
export type CustomRecordCreate = Static<typeof CustomRecordCreate>;

export const CustomRecordUpdate = Type.Object(
  {
    name: Type.Optional(ShortText({ minLength: 1 })),
    ownerId: Type.Optional(Nullable(Uuid)),
    custom: Type.Optional(CustomValues),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CustomRecordUpdate = Static<typeof CustomRecordUpdate>;

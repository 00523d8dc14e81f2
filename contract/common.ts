import Type, { type Static, type TSchema, type TUnsafe } from 'typebox';

// Shapes shared by every domain. Every string has a maxLength and every array a maxItems (SECURITY §3).

/**
 * A UUID, in any case on the way in (the validator lowers it, so every service and every echo sees
 * one form) and lower case on the way out.
 */
export const Uuid = Type.String({ format: 'uuid', maxLength: 36, 'x-lowercase': true });
/** Uuid with a description, for parameters. */
export const UuidParam = (description: string) => Type.String({ format: 'uuid', maxLength: 36, 'x-lowercase': true, description });
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });
export const DateOnly = Type.String({ format: 'date', maxLength: 10 });
/**
 * `T | null`. Where T has one JSON type, this is written as a type array (`"type": ["string",
 * "null"]`) rather than `anyOf`: the response serialiser then writes the value directly instead of
 * trying each branch with a validator, which costs a lot on 50-row lists. Enums get `null` added.
 */
export const Nullable = <T extends TSchema>(t: T): TUnsafe<Static<T> | null> => {
  const s = t as unknown as { type?: unknown; enum?: unknown[] };
  if (typeof s.type === 'string') return Type.Unsafe<Static<T> | null>({ ...t, type: [s.type, 'null'] });
  if (Array.isArray(s.enum)) return Type.Unsafe<Static<T> | null>({ ...t, enum: [...s.enum, null] });
  return Type.Unsafe<Static<T> | null>(Type.Union([t, Type.Null()]));
};

export const ShortText = (opts: { minLength?: number } = {}) => Type.String({ maxLength: 200, ...opts });
export const LongText = Type.String({ maxLength: 100_000 });
/** An email address, internationalised ones included (RFC 6531: josé@exämple.de); stored lower-cased. */
export const Email = Type.String({ format: 'idn-email', maxLength: 254 });
/** A phone number, international (+44 20 …) or national in the workspace's country (030 555 0101); read by the server, which keeps its E.164. */
export const Phone = Type.String({ format: 'phone', minLength: 1, maxLength: 40 });
/** An ISO 3166-1 alpha-2 country code that has a phone numbering plan (DE, US, GB). */
export const Country = Type.String({ format: 'country', minLength: 2, maxLength: 2 });
export const Currency = Type.String({ format: 'iso4217', minLength: 3, maxLength: 3 });
export const Url = Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://[^\\s/?#]+' });

export const Address = Type.Object(
  {
    street: Type.Optional(Nullable(ShortText())),
    city: Type.Optional(Nullable(ShortText())),
    region: Type.Optional(Nullable(ShortText())),
    postalCode: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    country: Type.Optional(Nullable(ShortText())),
  },
  { additionalProperties: false },
);

/** Values of custom fields, keyed by the field's key; validated against the field definitions on write. */
export const CustomValues = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }), Type.Unknown(), {
  maxProperties: 200,
});

/** Optimistic concurrency: the version the client last read (or send `If-Match`). */
export const VersionField = Type.Integer({ minimum: 1 });

export const RecordMeta = {
  id: Uuid,
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  createdBy: Nullable(Uuid),
  deletedAt: Nullable(Timestamp),
};

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 2000 })),
    filter: Type.Optional(
      Type.String({ maxLength: 8000, description: 'A JSON filter: {"and":[{"field":"ownerId","op":"eq","value":"$me"}]}' }),
    ),
    sort: Type.Optional(Type.String({ maxLength: 300, description: 'Comma-separated fields, `-` for descending: `-updatedAt,name`' })),
    fields: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated fields to return' })),
    deleted: Type.Optional(Type.Boolean({ description: 'true lists the trash (soft-deleted records)' })),
    view: Type.Optional(UuidParam('Apply a saved view: its filter, sort and columns')),
    count: Type.Optional(
      Type.Boolean({
        description:
          'true adds `total` and `totalIsEstimate`: how many records the list holds with this filter (the cursor does not change it). Exact up to a cap (10,000 by default), an estimate past it.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const Page = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });

/** A record list's page; with `count=true` it also says how many records the whole list holds. */
export const ListPage = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    nextCursor: Nullable(Type.String()),
    total: Type.Optional(Type.Integer({ minimum: 0, description: 'Records in the list (with count=true)' })),
    totalIsEstimate: Type.Optional(
      Type.Boolean({ description: 'true when `total` is the database’s estimate, for lists too long to count cheaply' }),
    ),
  });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    instance: Type.String(),
    requestId: Type.String(),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String(),
          code: Type.String(),
          message: Type.String(),
          params: Type.Optional(
            Type.Record(Type.String(), Type.Unknown(), {
              description: 'What a client needs to word the error itself, in its own language: limit, format, type, allowedValues',
            }),
          ),
        }),
      ),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);

export const HistoryEntry = Type.Object({
  id: Uuid,
  action: Type.String(),
  field: Nullable(Type.String()),
  oldValue: Type.Unknown(),
  newValue: Type.Unknown(),
  actorType: Type.String(),
  actorId: Nullable(Uuid),
  requestId: Nullable(Type.String()),
  at: Timestamp,
});

export const Roles = ['owner', 'admin', 'member', 'read-only'] as const;
export const Role = Type.Enum(Roles);
export type Role = (typeof Roles)[number];

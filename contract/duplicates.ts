import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';

/** The objects with duplicate rules and merges. */
export const duplicateTypes = ['contact', 'company', 'lead', 'deal'] as const;
export type DuplicateType = (typeof duplicateTypes)[number];

/** Why two records look alike. */
export const duplicateReasons = ['email', 'phone', 'domain', 'name', 'company'] as const;

/** The most records one merge takes in besides the survivor. */
export const MAX_MERGED = 9;

export const DuplicateCandidate = Type.Object({
  type: Type.Enum(duplicateTypes),
  id: Uuid,
  /** The record's name as lists show it. */
  title: Type.String(),
  /** Its email, domain or company, as search shows it under the name. */
  subtitle: Nullable(Type.String()),
  /** How alike, 0–1: 1 for the same email, phone or domain; the similarity of the names otherwise (more at the same company). */
  score: Type.Number({ minimum: 0, maximum: 1 }),
  reasons: Type.Array(Type.Enum(duplicateReasons)),
});
export type DuplicateCandidate = Static<typeof DuplicateCandidate>;

export const DuplicateCheckResult = Type.Object({
  /** Records that look like the one about to be created, most alike first; empty when none do. */
  candidates: Type.Array(DuplicateCandidate),
});

/** What a lead's conversion could link to instead of creating: contacts like its person, companies like its company. */
export const ConversionMatches = Type.Object({
  contacts: Type.Array(DuplicateCandidate),
  companies: Type.Array(DuplicateCandidate),
});

const PairSide = Type.Object({ id: Uuid, title: Type.String(), subtitle: Nullable(Type.String()) });

export const DuplicatePair = Type.Object({
  type: Type.Enum(duplicateTypes),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  reasons: Type.Array(Type.Enum(duplicateReasons)),
  foundAt: Timestamp,
  records: Type.Array(PairSide, { minItems: 2, maxItems: 2 }),
});
export type DuplicatePair = Static<typeof DuplicatePair>;

export const DuplicateQuery = Type.Object(
  {
    type: Type.Optional(Type.Enum(duplicateTypes, { default: 'contact', description: 'The object whose suspected pairs to list' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const DuplicateDismiss = Type.Object(
  {
    type: Type.Enum(duplicateTypes),
    ids: Type.Array(Uuid, { minItems: 2, maxItems: 2, description: 'The two records that are not duplicates of each other' }),
  },
  { additionalProperties: false },
);
export type DuplicateDismiss = Static<typeof DuplicateDismiss>;

export const DuplicateScan = Type.Object(
  { type: Type.Optional(Type.Enum(duplicateTypes, { description: 'Only this object (default: every object with duplicate rules)' })) },
  { additionalProperties: false },
);

export const MergeRequest = Type.Object(
  {
    survivorId: Uuid,
    mergedIds: Type.Array(Uuid, {
      minItems: 1,
      maxItems: MAX_MERGED,
      description: 'The records merged into the survivor; they go to the trash',
    }),
    fields: Type.Optional(
      Type.Record(Type.String({ maxLength: 100, pattern: '^(custom\\.)?[a-zA-Z][a-zA-Z0-9_]{0,62}$' }), Uuid, {
        description:
          'Which record each field’s value is taken from (`custom.<key>` for custom fields). A field not named keeps the survivor’s value, or takes the first merged record’s when the survivor’s is empty; lists (a contact’s emails, phones) not named join all records’ items.',
      }),
    ),
    versions: Type.Optional(
      Type.Record(Type.String({ format: 'uuid', maxLength: 36 }), Type.Integer({ minimum: 1 }), {
        description: 'The version of each record you read, by id: a record changed since gets 409 and nothing is merged',
      }),
    ),
  },
  { additionalProperties: false },
);
export type MergeRequest = Static<typeof MergeRequest>;

export const Merge = Type.Object({
  id: Uuid,
  type: Type.Enum(duplicateTypes),
  survivorId: Uuid,
  mergedIds: Type.Array(Uuid),
  fields: Type.Record(Type.String(), Uuid),
  createdAt: Timestamp,
  createdBy: Nullable(Uuid),
  undoneAt: Nullable(Timestamp),
});
export type Merge = Static<typeof Merge>;

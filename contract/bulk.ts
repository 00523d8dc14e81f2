import Type, { type Static, type TObject, type TSchema } from 'typebox';
import { Uuid } from './common.ts';

export const MAX_BULK_IDS = 100_000;

/**
 * The body of `POST /<object>/bulk-update`: the records (by id, or every record a filter matches)
 * and the fields to set on all of them. `set` holds the update schema's own definitions of those
 * fields, so a value is checked exactly as a single-record PATCH checks it.
 */
export const BulkUpdate = (set: Record<string, TSchema>) =>
  Type.Object(
    {
      ids: Type.Optional(
        Type.Array(Uuid, {
          minItems: 1,
          maxItems: MAX_BULK_IDS,
          description: 'The records to change; ids that name no record of this workspace are left out. Send ids or filter.',
        }),
      ),
      filter: Type.Optional(
        Type.Object(
          {},
          {
            additionalProperties: true,
            description: 'Every record this filter matches (the list filter language, as JSON). Send ids or filter.',
          },
        ),
      ),
      set: Type.Object(set, { additionalProperties: false, minProperties: 1, description: 'The fields to set on every record' }),
    },
    { additionalProperties: false },
  );

export type BulkUpdateInput = Static<ReturnType<typeof BulkUpdate>>;

export const BulkUpdateResult = Type.Object({
  matched: Type.Integer({ description: 'Records found: of this workspace and not in the trash' }),
  updated: Type.Integer({ description: 'Records whose value changed (each gets history, an event and a new version)' }),
});
export type BulkUpdateResult = Static<typeof BulkUpdateResult>;

/** The fields of an update schema that a bulk update may set. */
export const pickSet = (update: TObject, names: readonly string[]): Record<string, TSchema> =>
  Object.fromEntries(names.map((n) => [n, update.properties[n]]));

import Type, { type Static } from 'typebox';
import { Nullable, Uuid } from './common.ts';

/** What a hit is; a record of a custom object is a `custom_record`, its object's key in `subtitle`. */
export const SearchType = Type.Enum(['contact', 'company', 'lead', 'deal', 'custom_record'] as const);

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'What the person typed; every word must start a name, email, domain, phone or company of the record. When that finds fewer hits than `limit`, words of four letters or more also match their spellings one slip away ("jhon smtih" finds John Smith), ranked after.',
    }),
    types: Type.Optional(
      Type.String({
        maxLength: 100,
        pattern: '^(contact|company|lead|deal)(,(contact|company|lead|deal))*$',
        description: 'Comma-separated object types to search (default: all).',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchHit = Type.Object({
  type: SearchType,
  id: Uuid,
  title: Type.String(),
  subtitle: Nullable(Type.String()),
  matched: Type.String({ description: 'The folded term the query matched (a name part, an email, a domain, phone digits).' }),
});

export type SearchHit = Static<typeof SearchHit>;

export const SearchResult = Type.Object({ data: Type.Array(SearchHit) });

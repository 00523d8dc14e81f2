import { type SQL, sql } from 'drizzle-orm';

/**
 * The PostgreSQL text-search dictionaries by ISO 639-1 language, as PostgreSQL and PGlite ship
 * them (snowball stemmers). A language without one is searched with 'simple': words are matched
 * whole, lower-cased, without stemming or stop words.
 */
const dictionaries: Record<string, string> = {
  ar: 'arabic',
  hy: 'armenian',
  eu: 'basque',
  ca: 'catalan',
  da: 'danish',
  nl: 'dutch',
  en: 'english',
  et: 'estonian',
  fi: 'finnish',
  fr: 'french',
  de: 'german',
  el: 'greek',
  hi: 'hindi',
  hu: 'hungarian',
  id: 'indonesian',
  ga: 'irish',
  it: 'italian',
  lt: 'lithuanian',
  ne: 'nepali',
  no: 'norwegian',
  nb: 'norwegian',
  nn: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sr: 'serbian',
  es: 'spanish',
  sv: 'swedish',
  ta: 'tamil',
  tr: 'turkish',
  yi: 'yiddish',
};

/** The dictionary an article in `language` (a BCP 47 tag) is indexed and searched with. */
export const searchConfigOf = (language: string) => dictionaries[language.split('-')[0].toLowerCase()] ?? 'simple';

/**
 * The search vector of a title and body: the title weighted above the body, so a match in the
 * title ranks first. The dictionary is bound as a value and cast, never spliced into the SQL.
 */
export const searchVector = (config: string, title: string, body: string): SQL =>
  sql`setweight(to_tsvector(${config}::regconfig, ${title}), 'A') || setweight(to_tsvector(${config}::regconfig, ${body}), 'B')`;

/**
 * Whether a row's vector matches the words of `q`, each row read with its own dictionary (a German
 * article stems the query as German). `websearch_to_tsquery` accepts any text a person types.
 */
export const matches = (search: SQL | unknown, config: SQL | unknown, q: string): SQL =>
  sql`${search} @@ websearch_to_tsquery(${config}::regconfig, ${q})`;

export const rank = (search: SQL | unknown, config: SQL | unknown, q: string): SQL =>
  sql`ts_rank(${search}, websearch_to_tsquery(${config}::regconfig, ${q}))`;

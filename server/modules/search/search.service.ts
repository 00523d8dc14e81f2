import { getTableName, type SQL, sql } from 'drizzle-orm';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { SearchHit } from '../../../contract/search.ts';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { hiddenFromSearch } from '../../records/field-rules.ts';
import { type ObjectDef, sqlInWorkspace } from '../../records/object-def.ts';
import { isCountry } from '../../records/phones.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { workspaceCountry } from '../workspaces/workspaces.service.ts';

/**
 * Each searchable object declares in its ObjectDef (`search`, `title`) what it is found by, as SQL
 * over the record `r`: a query of (kind, term) rows. Terms are folded by rapport_fold (lower case,
 * no accents) and split into words by rapport_words (both in migration 0003), so
 * "Müller-Lüdenscheidt" is found by "mull", "lud" and "muller-l". These build the usual terms.
 */
export const searchTerms = {
  /** The address and its domain, as kinds `email` and `domain`. */
  email: (col: string) => `
  union all select 'email', left(rapport_fold(${col}), 200) from (select ${col}) e
  union all select 'domain', split_part(rapport_fold(${col}), '@', 2) from (select ${col}) e`,
  /** A phone number's digits, which a query written like a phone number is matched against. */
  digits: (col: string) => `regexp_replace(${col}, '[^0-9]', '', 'g')`,
};

/** The object types search finds, from the registry (imported when called: the registry's modules declare their terms with this module's helpers). */
async function searchables(): Promise<ObjectDef[]> {
  const { objectDefs } = await import('../registry.ts');
  return Object.values(objectDefs).filter((d) => d.search && d.title);
}

function sourceOf(def: ObjectDef) {
  if (!def.search || !def.title) throw new Error(`${def.type} is not searchable`);
  return { table: getTableName(def.table), terms: def.search.terms, title: def.title, subtitle: def.search.subtitle };
}

/**
 * The INSERT … SELECT that (re)writes the terms of the records `where` picks; `r` is the record.
 * Terms are UNION ALL and repeats fall to ON CONFLICT DO NOTHING: a UNION would build a hash table
 * per record, which made bulk indexing ten times slower.
 */
function insertTerms(def: ObjectDef, where: SQL, from?: SQL): SQL {
  const s = sourceOf(def);
  return sql`
    insert into search_terms (workspace_id, record_type, record_id, kind, term)
    select r.workspace_id, ${def.type}, r.id, t.kind, t.term
    from ${from ?? sql.identifier(s.table)} r cross join lateral (${sql.raw(s.terms)}) t
    where ${where} and r.deleted_at is null and t.term is not null and t.term <> ''
    on conflict do nothing`;
}

/** The terms of records just inserted, read from `from` (a CTE of their rows) in the inserting statement. */
export const newTermsSql = (def: ObjectDef, from: SQL) => insertTerms(def, sql`true`, from);

/**
 * Brings the search terms of some records of one type up to date, in the caller's transaction:
 * every write path calls this after it changes a record (create, update, delete, restore, import,
 * bulk update), so search never lags behind the data. Records in the trash have no terms.
 */
export async function refreshSearch(
  conn: Conn,
  workspaceId: string,
  def: ObjectDef,
  ids: readonly string[],
  /** `fresh`: records just inserted with new ids, which have no terms to delete (a round trip saved on every create). */
  opts: { fresh?: boolean } = {},
) {
  if (!def.search || ids.length === 0) return;
  const idArray = pgArray(ids, 'uuid');
  if (!opts.fresh) {
    await conn.execute(
      sql`delete from search_terms where workspace_id = ${workspaceId} and record_type = ${def.type} and record_id = any(${idArray})`,
    );
  }
  await conn.execute(insertTerms(def, sql`r.workspace_id = ${workspaceId} and r.id = any(${idArray})`));
}

/** Rebuilds a workspace's whole index of one type (after a bulk load, or when the term rules change). */
export async function reindexSearch(conn: Conn, workspaceId: string, def: ObjectDef) {
  if (!def.search) return;
  await conn.execute(sql`delete from search_terms where workspace_id = ${workspaceId} and record_type = ${def.type}`);
  await conn.execute(insertTerms(def, sql`r.workspace_id = ${workspaceId}`));
}

/** Rebuilds a workspace's whole index, every searchable type. */
export async function reindexAll(conn: Conn, workspaceId: string) {
  for (const def of await searchables()) await reindexSearch(conn, workspaceId, def);
}

/** Removes a record's terms: it is gone for good (a record in the trash has none already, but a purge makes sure). */
export async function dropSearchTerms(conn: Conn, ctx: Ctx, type: string, id: string) {
  await conn.execute(sql`delete from search_terms where workspace_id = ${ctx.workspaceId} and record_type = ${type} and record_id = ${id}`);
}

export interface SearchInput {
  q: string;
  types?: string[];
  limit: number;
}

/** Code points rapport_fold (migration 0003) maps, built the same way: NFKD, marks dropped, lower case, one character. */
const foldRanges = [
  [0x41, 0x5a],
  [0xc0, 0x24f],
  [0x386, 0x3ab],
  [0x3ac, 0x3ce],
  [0x400, 0x42f],
  [0x1e00, 0x1eff],
];
const foldMap = new Map<string, string>();
for (const [a, b] of foldRanges) {
  for (let c = a; c <= b; c++) {
    const ch = String.fromCodePoint(c);
    const f = ch.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    if ([...f].length === 1 && f !== ch) foldMap.set(ch, f);
  }
}

/**
 * rapport_fold in JavaScript, so that a query's words are folded before they reach SQL: the
 * function's 685-character translate() inlined into the search query cost more planning time than
 * the query took to run. search.test.ts checks both agree.
 */
export function fold(v: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  if (/^[\u0000-\u007f]*$/.test(v)) return v.replace(/[A-Z]/g, (c) => c.toLowerCase());
  let out = '';
  for (const ch of v) out += foldMap.get(ch) ?? ch;
  return out;
}

/** Like's wildcards in a user's word are literal characters. */
const likePrefix = (w: string) => `${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A query written like a phone number: digits and their punctuation, at least three digits. */
const looksLikePhone = (q: string) => /^[+\d\s().-]+$/.test(q.trim()) && q.replace(/\D/g, '').length >= 3;
/** A phone query without a country code, which may be a national number. */
const isPhoneQuery = (q: string) => looksLikePhone(q) && !q.trim().startsWith('+');

/** The digits of a nationally written number in international form, read in the workspace's country. */
async function internationalDigits(conn: Conn, ctx: Ctx, q: string): Promise<string[]> {
  const country = await workspaceCountry(conn, ctx);
  if (!country || !isCountry(country)) return [];
  const read = parsePhoneNumberFromString(q.trim(), country);
  return read ? [read.number.replace(/\D/g, '')] : [];
}

/**
 * The query's words, longest first. A query that looks like a phone number is one word of digits,
 * so "+44 20 7946" finds 442079460123.
 */
export function queryWords(q: string): string[] {
  const trimmed = q.trim();
  if (looksLikePhone(trimmed)) return [trimmed.replace(/\D/g, '')];
  // Punctuation around a word ("Hahn," or a lone "-") is not part of any term; inside a word ("o'brien", "ada@acme") it is.
  const bare = trimmed.split(/\s+/).map((w) => w.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''));
  const words = [...new Set(bare.filter(Boolean))].slice(0, 5).map((w) => w.slice(0, 100));
  return words.sort((a, b) => b.length - a.length);
}

/** How many index entries the longest word may read: bounds the work of any query, however common its prefix. */
const candidateScan = { single: 200, multi: 5000 };

/**
 * Search-as-you-type over names, emails, domains, phones and company names. Every word of the query
 * must start some term of the record; when that finds fewer hits than asked for, close spellings
 * fill the rest (closeMatches). Prefix hits come first, exact words before the rest, then names
 * before emails, domains and phones, then alphabetically.
 */
export async function search(conn: Conn, ctx: Ctx, input: SearchInput): Promise<SearchHit[]> {
  const hits = await prefixMatches(conn, ctx, input);
  if (hits.length >= input.limit || looksLikePhone(input.q)) return hits;
  const seen = new Set(hits.map((h) => `${h.type}:${h.id}`));
  const close = await closeMatches(conn, ctx, { ...input, limit: input.limit + hits.length });
  return [...hits, ...close.filter((h) => !seen.has(`${h.type}:${h.id}`))].slice(0, input.limit);
}

/** Letters a mistyped word may have lost or had replaced: the folded index holds a–z and the word's own letters. */
const alphabet = [...'abcdefghijklmnopqrstuvwxyz'];

/** Leaves out the search terms (alias `t`) of kinds made of fields hidden from the request. */
const termsShown = (ctx: Ctx, defs: ObjectDef[], t: string) =>
  sql.join(
    defs.flatMap((d) => {
      const { kinds } = hiddenFromSearch(ctx, d);
      return kinds.length
        ? [sql` and not (${sql.identifier(t)}.record_type = ${d.type} and ${sql.identifier(t)}.kind = any(${pgArray(kinds, 'text')}))`]
        : [];
    }),
  );

/** The records of `def` the request may see, over the record `r` (visibility.ts); nothing when it sees all. */
const visible = (ctx: Ctx, def: ObjectDef) => {
  const where = visibleWhere(ctx, def, 'read', 'r');
  return where ? sql`and ${where}` : sql``;
};

/**
 * Each candidate `c` reads its own record by primary key (a lateral branch per type): a join
 * against the union of the tables made the planner scan them whole.
 */
const displayOf = (ctx: Ctx, defs: ObjectDef[]) =>
  defs.map(sourceOf).map(
    (s, i) => sql`select ${sql.raw(s.title)} as title,
        ${hiddenFromSearch(ctx, defs[i]).subtitle ? sql`null::text` : sqlInWorkspace(s.subtitle, sql`${ctx.workspaceId}`)} as subtitle
      from ${sql.identifier(s.table)} r
      where c.record_type = ${defs[i].type} and r.workspace_id = ${ctx.workspaceId} and r.id = c.record_id and r.deleted_at is null
        ${visible(ctx, defs[i])}`,
  );

/**
 * The words one slip of the keyboard away from `w` (Damerau–Levenshtein distance 1): two
 * neighbouring letters swapped ("jhon" → "john"), a letter too many ("johhn"), one missing
 * ("jon" → "john") or a wrong one ("smyth" → "smith"). Each is an exact lookup in the prefix
 * index, a few hundred probes in all: pg_trgm's `%` over a trigram index was tried first and read
 * 38,000 candidate rows for a five-letter name among 100k contacts (400 ms), and trigrams miss
 * exactly these slips in short names ("jhon" and "john" share one trigram of nine).
 */
export function spellings(w: string): string[] {
  const chars = [...w];
  // Under four letters a slip cannot be told from another name ("lud" is one letter from "ltd");
  // over 30 the probes (53 per letter) would cost more than the hit is worth: no name is that long.
  if (chars.length < 4 || chars.length > 30) return [];
  const letters = [...new Set([...alphabet, ...chars.filter((c) => /\p{L}/u.test(c))])];
  const out = new Set<string>();
  const at = (i: number, insert: string[], skip: number) => [...chars.slice(0, i), ...insert, ...chars.slice(i + skip)].join('');
  for (let i = 0; i < chars.length; i++) {
    if (i + 1 < chars.length) out.add(at(i, [chars[i + 1], chars[i]], 2));
    out.add(at(i, [], 1));
    for (const l of letters) out.add(at(i, [l], 1));
  }
  for (let i = 0; i <= chars.length; i++) for (const l of letters) out.add(at(i, [l], 0));
  out.delete(w);
  return [...out];
}

/**
 * Records whose every word is a prefix or a close spelling (spellings) of some term, or — for the
 * words after the longest, checked per candidate — trigram-similar to one (pg_trgm's `%`: two slips
 * in a longer word). Ranked by how similar (pg_trgm's similarity) the longest word's term is, then
 * by title.
 */
async function closeMatches(conn: Conn, ctx: Ctx, input: SearchInput): Promise<SearchHit[]> {
  const words = queryWords(input.q).map(fold);
  // The longest word first: when it is under four letters, every word is, and none is read as a slip.
  if (!words.length || [...words[0]].length < 4) return [];
  const all = await searchables();
  const defs = input.types?.length ? all.filter((d) => input.types?.includes(d.type)) : all;
  if (!defs.length) return [];
  const types = defs.map((d) => d.type);
  const typeArray = pgArray(types, 'text');
  const [first, ...rest] = words;
  // As many candidates as the prefix search reads: "jhon smtih" reads the Smiths, and John may be the 3,000th.
  const scan = rest.length ? candidateScan.multi : candidateScan.single;
  const scans = [
    sql`(select record_type, record_id, term from search_terms s
      where workspace_id = ${ctx.workspaceId} and record_type = any(${typeArray}) and term like ${likePrefix(first)}${termsShown(ctx, defs, 's')}
      order by term limit ${scan})`,
    sql`(select record_type, record_id, term from search_terms s
      where workspace_id = ${ctx.workspaceId} and record_type = any(${typeArray}) and term = any(${pgArray(spellings(first), 'text')})${termsShown(ctx, defs, 's')}
      limit ${scan})`,
  ];
  const others = rest.map(
    (w) => sql` and exists (select 1 from search_terms o where o.workspace_id = ${ctx.workspaceId} and o.record_type = c.record_type
      and o.record_id = c.record_id${termsShown(ctx, defs, 'o')}
      and (o.term like ${likePrefix(w)} or o.term = any(${pgArray(spellings(w), 'text')}) or o.term % ${w}))`,
  );
  const display = displayOf(ctx, defs);
  return selectRows<SearchHit>(
    conn,
    sql`
    with scan as (${sql.join(scans, sql` union all `)}), c as (
      select distinct on (record_type, record_id) record_type, record_id, term, similarity(term, ${first}) as score
      from scan
      order by record_type, record_id, similarity(term, ${first}) desc, term
    )
    select c.record_type as type, c.record_id as id, d.title, d.subtitle, c.term as matched
    from c cross join lateral (${sql.join(display, sql` union all `)}) d
    where true ${sql.join(others, sql``)}
    order by c.score desc, d.title, c.record_id
    limit ${input.limit}`,
  );
}

/**
 * The prefix search: every word of the query starts some term of the record. The longest word is
 * read from the prefix index in term order and stops after a bounded number of entries; the other
 * words are checked per candidate.
 */
async function prefixMatches(conn: Conn, ctx: Ctx, input: SearchInput): Promise<SearchHit[]> {
  const words = queryWords(input.q);
  if (!words.length) return [];
  const all = await searchables();
  const defs = input.types?.length ? all.filter((d) => input.types?.includes(d.type)) : all;
  if (!defs.length) return [];
  const types = defs.map((d) => d.type);
  const [first, ...rest] = words;
  const typeArray = pgArray(types, 'text');
  // A number typed nationally ("030 555 01") also finds numbers stored internationally: the query is
  // read in the workspace's country too, and both digit strings are looked up.
  const firsts = [first, ...(isPhoneQuery(input.q) ? await internationalDigits(conn, ctx, input.q) : [])];
  const scans = [...new Set(firsts)].map(
    (w) => sql`(select record_type, record_id, kind, term from search_terms s
      where workspace_id = ${ctx.workspaceId} and term like ${likePrefix(fold(w))}
        and record_type = any(${typeArray})${termsShown(ctx, defs, 's')}
      order by term limit ${rest.length ? candidateScan.multi : candidateScan.single})`,
  );
  const others = rest.map(
    (w) => sql` and exists (select 1 from search_terms o where o.workspace_id = ${ctx.workspaceId} and o.record_type = c.record_type
      and o.record_id = c.record_id and o.term like ${likePrefix(fold(w))}${termsShown(ctx, defs, 'o')})`,
  );
  const display = displayOf(ctx, defs);
  return selectRows<SearchHit>(
    conn,
    sql`
    with scan as (${sql.join(scans, sql` union all `)}), c as (
      select distinct on (record_type, record_id) record_type, record_id, term,
        (term = ${fold(first)}) as exact,
        array_position(array['name','company','email','domain','phone'], kind) as kind_rank
      from scan
      order by record_type, record_id, (term = ${fold(first)}) desc,
        array_position(array['name','company','email','domain','phone'], kind), term
    )
    select c.record_type as type, c.record_id as id, d.title, d.subtitle, c.term as matched
    from c cross join lateral (${sql.join(display, sql` union all `)}) d
    where true ${sql.join(others, sql``)}
    order by c.exact desc, c.kind_rank, c.term, d.title, c.record_id
    limit ${input.limit}`,
  );
}

import { type SQL, sql } from 'drizzle-orm';
import { type Conn, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';

/**
 * What each searchable object is found by, as SQL over the record `r`: a set of (kind, term) rows.
 * Terms are folded by rapport_fold (lower case, no accents) and split into words by rapport_words
 * (both in migration 0003), so "Müller-Lüdenscheidt" is found by "mull", "lud" and "muller-l".
 */
interface Source {
  table: string;
  terms: string;
  /** How a hit is shown: the record's name and one line under it. */
  title: string;
  subtitle: string;
}

const emailTerms = (col: string) => `
  union select 'email', left(rapport_fold(${col}), 200) from (select ${col}) e
  union select 'domain', split_part(rapport_fold(${col}), '@', 2) from (select ${col}) e`;
const digits = (col: string) => `regexp_replace(${col}, '[^0-9]', '', 'g')`;

export const searchSources: Record<string, Source> = {
  contact: {
    table: 'contacts',
    terms: `
      select 'name' as kind, w as term from rapport_words(r.first_name) w
      union select 'name', w from rapport_words(r.last_name) w
      union select 'email', left(rapport_fold(e->>'value'), 200) from jsonb_array_elements(r.emails) e
      union select 'domain', split_part(rapport_fold(e->>'value'), '@', 2) from jsonb_array_elements(r.emails) e
      union select 'phone', ${digits(`p->>'value'`)} from jsonb_array_elements(r.phones) p`,
    title: `coalesce(nullif(concat_ws(' ', r.first_name, r.last_name), ''), r.emails->0->>'value', '')`,
    subtitle: `r.emails->0->>'value'`,
  },
  company: {
    table: 'companies',
    terms: `
      select 'name' as kind, w as term from rapport_words(r.name) w
      union select 'domain', rapport_fold(r.domain)
      union select 'phone', ${digits('r.phone')}`,
    title: 'r.name',
    subtitle: 'r.domain',
  },
  lead: {
    table: 'leads',
    terms: `
      select 'name' as kind, w as term from rapport_words(r.first_name) w
      union select 'name', w from rapport_words(r.last_name) w
      union select 'company', w from rapport_words(r.company_name) w
      ${emailTerms('r.email')}
      union select 'phone', ${digits('r.phone')}`,
    title: `coalesce(nullif(concat_ws(' ', r.first_name, r.last_name), ''), r.email, '')`,
    subtitle: 'r.company_name',
  },
  deal: {
    table: 'deals',
    terms: `select 'name' as kind, w as term from rapport_words(r.name) w`,
    title: 'r.name',
    subtitle: 'r.status',
  },
};

export const searchTypes = Object.keys(searchSources);

/** The INSERT … SELECT that (re)writes the terms of the records `where` picks; `r` is the record. */
function insertTerms(type: string, where: SQL): SQL {
  const s = searchSources[type];
  return sql`
    insert into search_terms (workspace_id, record_type, record_id, kind, term)
    select r.workspace_id, ${type}, r.id, t.kind, t.term
    from ${sql.raw(s.table)} r cross join lateral (${sql.raw(s.terms)}) t
    where ${where} and r.deleted_at is null and t.term is not null and t.term <> ''
    on conflict do nothing`;
}

/**
 * Brings the search terms of some records of one type up to date, in the caller's transaction:
 * every write path calls this after it changes a record (create, update, delete, restore, import,
 * bulk update), so search never lags behind the data. Records in the trash have no terms.
 */
export async function refreshSearch(conn: Conn, workspaceId: string, type: string, ids: readonly string[]) {
  if (!searchSources[type] || ids.length === 0) return;
  const idArray = sql`${`{${ids.join(',')}}`}::uuid[]`;
  await conn.execute(
    sql`delete from search_terms where workspace_id = ${workspaceId} and record_type = ${type} and record_id = any(${idArray})`,
  );
  await conn.execute(insertTerms(type, sql`r.workspace_id = ${workspaceId} and r.id = any(${idArray})`));
}

/** Rebuilds a workspace's whole index of one type (after a bulk load, or when the term rules change). */
export async function reindexSearch(conn: Conn, workspaceId: string, type: string) {
  await conn.execute(sql`delete from search_terms where workspace_id = ${workspaceId} and record_type = ${type}`);
  await conn.execute(insertTerms(type, sql`r.workspace_id = ${workspaceId}`));
}

export interface SearchHit {
  type: string;
  id: string;
  title: string;
  subtitle: string | null;
  /** What the query matched: a name part, an email, a domain, a phone number, a company name. */
  matched: string;
}

export interface SearchInput {
  q: string;
  types?: string[];
  limit: number;
}

/** Likes's wildcards in a user's word are literal characters. */
const likePrefix = (w: string) => `${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The query's words, longest first. A query that looks like a phone number is one word of digits,
 * so "+44 20 7946" finds 442079460123.
 */
export function queryWords(q: string): string[] {
  const trimmed = q.trim();
  if (/^[+\d\s().-]+$/.test(trimmed) && trimmed.replace(/\D/g, '').length >= 3) return [trimmed.replace(/\D/g, '')];
  // Punctuation around a word ("Hahn," or a lone "-") is not part of any term; inside a word ("o'brien", "ada@acme") it is.
  const bare = trimmed.split(/\s+/).map((w) => w.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''));
  const words = [...new Set(bare.filter(Boolean))].slice(0, 5).map((w) => w.slice(0, 100));
  return words.sort((a, b) => b.length - a.length);
}

/** How many index entries the longest word may read: bounds the work of any query, however common its prefix. */
const candidateScan = { single: 200, multi: 5000 };

/**
 * Search-as-you-type over names, emails, domains, phones and company names. Every word of the query
 * must start some term of the record. The longest word is read from the prefix index in term order
 * and stops after a bounded number of entries; the other words are checked per candidate. Hits
 * rank exact words first, then names before emails, domains and phones, then alphabetically.
 */
export async function search(conn: Conn, ctx: Ctx, input: SearchInput): Promise<SearchHit[]> {
  const words = queryWords(input.q);
  if (!words.length) return [];
  const types = (input.types?.length ? input.types : searchTypes).filter((t) => searchSources[t]);
  const [first, ...rest] = words;
  const typeArray = sql`${`{${types.join(',')}}`}::text[]`;
  const others = rest.map(
    (w) => sql` and exists (select 1 from search_terms o where o.workspace_id = ${ctx.workspaceId} and o.record_type = c.record_type
      and o.record_id = c.record_id and o.term like rapport_fold(${likePrefix(w)}))`,
  );
  const display = types.map(
    (
      t,
    ) => sql`select ${t}::text as type, r.id, ${sql.raw(searchSources[t].title)} as title, ${sql.raw(searchSources[t].subtitle)} as subtitle
      from ${sql.raw(searchSources[t].table)} r where r.workspace_id = ${ctx.workspaceId} and r.deleted_at is null`,
  );
  return selectRows<SearchHit>(
    conn,
    sql`
    with scan as (
      select record_type, record_id, kind, term from search_terms
      where workspace_id = ${ctx.workspaceId} and term like rapport_fold(${likePrefix(first)})
        and record_type = any(${typeArray})
      order by term limit ${rest.length ? candidateScan.multi : candidateScan.single}
    ), c as (
      select distinct on (record_type, record_id) record_type, record_id, term,
        (term = rapport_fold(${first})) as exact,
        array_position(array['name','company','email','domain','phone'], kind) as kind_rank
      from scan
      order by record_type, record_id, (term = rapport_fold(${first})) desc,
        array_position(array['name','company','email','domain','phone'], kind), term
    )
    select d.type, d.id, d.title, d.subtitle, c.term as matched
    from c join (${sql.join(display, sql` union all `)}) d on d.type = c.record_type and d.id = c.record_id
    where true ${sql.join(others, sql``)}
    order by c.exact desc, c.kind_rank, c.term, d.title, d.id
    limit ${input.limit}`,
  );
}

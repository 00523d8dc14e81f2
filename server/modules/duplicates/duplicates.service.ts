import { getTableName, type SQL, sql } from 'drizzle-orm';
import type { DuplicateCandidate, DuplicatePair, DuplicateType, duplicateReasons } from '../../../contract/duplicates.ts';
import { hiddenFromSearch } from '../../records/field-rules.ts';
import { visibleWhere } from '../../records/visibility.ts';

type Reason = (typeof duplicateReasons)[number];

import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { columnsOf, type ObjectDef, sqlInWorkspace } from '../../records/object-def.ts';
import { objectDefs } from '../registry.ts';

// Duplicate detection, for every object that declares `duplicates` in its ObjectDef. Two kinds of
// likeness: exact keys (an email, a phone's digits, a domain), found through the search index
// (`search_terms`, one index probe per key), and look-alike names, found by trigram similarity
// (pg_trgm's `%`, served by each object's trigram index), scored higher at the same company.

/** A name this alike (trigram similarity, 0–1) makes a pair on its own … */
export const NAME_ALONE = 0.5;
/** … and this alike when both records belong to the same company. */
export const NAME_AT_COMPANY = 0.35;
const COMPANY_BONUS = 0.2;

export function duplicateDef(type: string): ObjectDef & { duplicates: NonNullable<ObjectDef['duplicates']> } {
  const def = Object.hasOwn(objectDefs, type) ? objectDefs[type] : undefined;
  if (!def?.duplicates || !def.search || !def.title) throw new Error(`${type} has no duplicate rules`);
  return def as ObjectDef & { duplicates: NonNullable<ObjectDef['duplicates']> };
}

/** A record to compare: a row `r` of its object's table, stored or about to be. */
export interface Probe {
  def: ObjectDef;
  /** A query returning the one row. */
  row: SQL;
  /** The record itself, never its own duplicate. */
  id: string | null;
  /** Its companies, when the row cannot say (a contact not yet written has no links yet). */
  companies?: string[] | null;
}

/** A stored record as a probe. */
export const storedProbe = (def: ObjectDef, workspaceId: string, id: string): Probe => ({
  def,
  id,
  row: sql`select * from ${sql.identifier(getTableName(def.table))} where workspace_id = ${workspaceId} and id = ${id}`,
});

/**
 * A record not yet written, as a probe: its columns by table key (`firstName`), as the create would
 * write them, read into a row of the table by jsonb_populate_record so that the object's SQL
 * (search terms, name, companies) reads it as it will read the stored record.
 */
export function valuesProbe(def: ObjectDef, workspaceId: string, values: Record<string, unknown>, companies?: string[]): Probe {
  const columns = columnsOf(def);
  const byName: Record<string, unknown> = { workspace_id: workspaceId };
  for (const [key, v] of Object.entries(values)) if (Object.hasOwn(columns, key)) byName[columns[key].name] = v;
  return {
    def,
    id: null,
    companies,
    row: sql`select * from jsonb_populate_record(null::${sql.identifier(getTableName(def.table))}, ${JSON.stringify(byName)}::jsonb)`,
  };
}

type CandidateRow = { id: string; reasons: string[] | null; sim: number | null; same_co: boolean };

/** Scores one candidate row; null when it is not alike enough. */
function scored(r: CandidateRow): { id: string; score: number; reasons: Reason[] } | null {
  const reasons = [...((r.reasons ?? []) as Reason[])].sort();
  const sim = Number(r.sim ?? 0);
  const nameAlike = sim >= NAME_ALONE || (r.same_co && sim >= NAME_AT_COMPANY);
  if (!reasons.length && !nameAlike) return null;
  if (nameAlike) reasons.push('name');
  if (nameAlike && r.same_co) reasons.push('company');
  const score = reasons.length && r.reasons?.length ? 1 : Math.min(0.99, sim + (r.same_co ? COMPANY_BONUS : 0));
  return { id: r.id, score: Math.round(score * 100) / 100, reasons };
}

/**
 * The records of `target` that look like the probe, best first. The probe may be of another object
 * (a lead looked for among contacts): then only the exact keys both objects know and the names
 * compare, not companies. Every read is of the workspace's rows only. `visible` (a condition on the
 * record `r`) narrows them to those a request may see, in the query (shown to a person, a look-alike
 * they may not see would give its name away; a dedupe looks at every record), and `hiddenKinds` are
 * the exact keys not compared, those made of fields hidden from the request (a match would tell it
 * the hidden value).
 */
export async function findCandidates(
  conn: Conn,
  workspaceId: string,
  target: ObjectDef,
  probe: Probe,
  limit = 10,
  shown?: { visible?: SQL; hiddenKinds?: readonly string[] },
) {
  const visible = shown?.visible;
  const rules = target.duplicates;
  const own = probe.def.duplicates;
  if (!rules || !own || !probe.def.search || !target.search) return [];
  const kinds = rules.exact.filter((k) => own.exact.includes(k) && !shown?.hiddenKinds?.includes(k));
  const table = sql.identifier(getTableName(target.table));
  const sameType = probe.def.type === target.type;
  // Every table of the statement names the workspace itself, so that Citus routes it whole to one shard.
  const ws = sql`${workspaceId}`;
  const probeCompanies = probe.companies ? pgArray(probe.companies, 'text') : sameType && own.company ? own.company(ws) : sql`null::text[]`;
  const sameCompany = sameType && rules.company ? sql`coalesce(${rules.company(ws)} && pn.co, false)` : sql`false`;
  const rows = await selectRows<CandidateRow>(
    conn,
    sql`with p as materialized (${probe.row}),
      keys as (
        select distinct t.kind, t.term from p r cross join lateral (${sql.raw(probe.def.search.terms)}) t
        where t.kind = any(${pgArray(kinds.length ? kinds : ['none'], 'text')}) and t.term is not null and t.term <> ''
          and (t.kind <> 'phone' or length(t.term) >= 7)
      ),
      exact as (
        select st.record_id as id, array_agg(distinct st.kind) as reasons
        from keys k join search_terms st on st.workspace_id = ${workspaceId} and st.term = k.term collate "C"
          and st.record_type = ${target.type} and st.kind = k.kind
        where st.record_id is distinct from ${probe.id}::uuid
        group by st.record_id
      ),
      pn as (select ${sql.raw(own.name)} as name, ${probeCompanies} as co from p r),
      fuzzy as (
        select r.id, similarity(${sql.raw(rules.name)}, pn.name) as sim, ${sameCompany} as same_co
        from ${table} r, pn
        where r.workspace_id = ${workspaceId} and r.deleted_at is null and length(btrim(pn.name)) >= 3
          and ${sql.raw(rules.name)} % pn.name and r.id is distinct from ${probe.id}::uuid${visible ? sql` and ${visible}` : sql``}
        order by sim desc limit 50
      )
      select coalesce(e.id, f.id) as id, e.reasons, f.sim, coalesce(f.same_co, false) as same_co
      from exact e full join fuzzy f on f.id = e.id${
        visible
          ? sql`
      where exists (select 1 from ${table} r where r.workspace_id = ${workspaceId} and r.id = coalesce(e.id, f.id) and ${visible})`
          : sql``
      }`,
  );
  return rows
    .map(scored)
    .filter((c) => c !== null)
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
}

/** How records of a type are shown to a request: their title and subtitle (none when made of a field its role hides), by id. */
export async function describe(conn: Conn, ctx: Ctx, def: ObjectDef, ids: string[]) {
  if (!ids.length || !def.title || !def.search) return new Map<string, { title: string; subtitle: string | null }>();
  const workspaceId = ctx.workspaceId;
  const subtitle = hiddenFromSearch(ctx, def).subtitle ? sql`null::text` : sqlInWorkspace(def.search.subtitle, sql`${workspaceId}`);
  const rows = await selectRows<{ id: string; title: string | null; subtitle: string | null }>(
    conn,
    sql`select r.id, ${sql.raw(def.title)} as title, ${subtitle} as subtitle
      from ${sql.identifier(getTableName(def.table))} r where r.workspace_id = ${workspaceId} and r.id = any(${pgArray(ids, 'uuid')})`,
  );
  return new Map(rows.map((r) => [r.id, { title: r.title ?? '', subtitle: r.subtitle }]));
}

/** Candidates a request may see, with what a person needs to recognise them. */
export async function describedCandidates(
  conn: Conn,
  ctx: Ctx,
  target: ObjectDef,
  probe: Probe,
  limit = 10,
): Promise<DuplicateCandidate[]> {
  const found = await findCandidates(conn, ctx.workspaceId, target, probe, limit, {
    visible: visibleWhere(ctx, target, 'read', 'r'),
    hiddenKinds: hiddenFromSearch(ctx, target).kinds,
  });
  const names = await describe(
    conn,
    ctx,
    target,
    found.map((c) => c.id),
  );
  return found.map((c) => ({ ...c, type: target.type as DuplicateType, ...(names.get(c.id) ?? { title: '', subtitle: null }) }));
}

/**
 * Writes suspected pairs into the review queue: a pair already there gets its new score and
 * reasons, unless a person called it "not a duplicate", which stays so. (Here and below the update
 * takes the time from the proposed row, `excluded`: Citus refuses now() in ON CONFLICT DO UPDATE.)
 */
export async function recordPairs(
  conn: Conn,
  workspaceId: string,
  type: string,
  id: string,
  found: { id: string; score: number; reasons: string[] }[],
) {
  if (!found.length) return;
  const rows = found.map((c) => ({ a: c.id < id ? c.id : id, b: c.id < id ? id : c.id, score: c.score, reasons: c.reasons }));
  // Written in key order: two writers of overlapping pairs (a record's own check and a scan) then
  // take their row locks in the same order and wait for each other instead of deadlocking (seen on Citus).
  await conn.execute(sql`
    insert into duplicate_pairs (workspace_id, record_type, a_id, b_id, score, reasons)
    select ${workspaceId}, ${type}, x.a, x.b, x.score, array(select jsonb_array_elements_text(x.reasons))
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) x(a uuid, b uuid, score real, reasons jsonb)
    order by x.a, x.b
    on conflict (workspace_id, record_type, a_id, b_id) do update set score = excluded.score, reasons = excluded.reasons, found_at = excluded.found_at
      where duplicate_pairs.status = 'open'`);
}

/** Looks for duplicates of stored records and puts what it finds in the queue. */
export async function queueDuplicatesOf(conn: Conn, workspaceId: string, type: string, ids: readonly string[]) {
  const def = duplicateDef(type);
  for (const id of ids) {
    await recordPairs(conn, workspaceId, type, id, await findCandidates(conn, workspaceId, def, storedProbe(def, workspaceId, id), 20));
  }
}

/** How many distinct names one transaction of a workspace scan compares with the rest. */
export const SCAN_BATCH = 10_000;
/** The most look-alike names a record is compared on, and the most pairs it puts in the queue (as a create's probe). */
const FUZZY_PER_RECORD = 50;
const PAIRS_PER_RECORD = 20;

/**
 * One batch of a workspace scan: the live records of a type bearing the next `batch` distinct names
 * after `after` (folded names, in byte order), each compared with the rest, set-based. Returns the
 * last name read, or null when the type is done.
 *
 * Probing each record's name through the table's trigram index (`findCandidates`) cost 10–15 ms a
 * record on PostgreSQL at 100k contacts: every probe re-read up to hundreds of wide rows to recheck
 * and rank them, and computed their folded names again; in a database of many workspaces the index
 * (which has no workspace_id) also returned every other workspace's look-alikes. Here the
 * workspace's folded names go once per batch into a temporary table with a trigram index of its own
 * (distinct names only: short rows), and each distinct name of the batch is looked up there once,
 * however many records bear it: batches run by name so that a name is never probed twice. Exact keys
 * (email, phone, domain) are one join of the batch's search terms with the workspace's. Candidates,
 * scores and reasons are those of `findCandidates` (its best 50 look-alikes, its best 20 pairs a
 * record), so a scan finds what probing every record would (duplicates.test.ts compares the two).
 */
export async function scanBatch(conn: Conn, workspaceId: string, type: string, after: string | null, batch = SCAN_BATCH) {
  const def = duplicateDef(type);
  const rules = def.duplicates;
  const table = sql.identifier(getTableName(def.table));
  const name = sql.raw(rules.name);
  const num = (n: number) => sql.raw(String(n));
  // The planner cannot estimate the trigram join and expects billions of rows: compiling the plan
  // (JIT) would cost a second a batch for nothing. A batch's candidates are sorted in memory.
  await conn.execute(sql`set local jit = off`);
  await conn.execute(sql`set local work_mem = '64MB'`);
  await conn.execute(sql`drop table if exists dup_scan_names, dup_scan_records, dup_scan_batch`);
  await conn.execute(sql`create temp table dup_scan_records on commit drop as
    select r.id, ${name} as name, ${rules.company ? rules.company(sql`${workspaceId}`) : sql`null::text[]`} as co from ${table} r
    where r.workspace_id = ${workspaceId} and r.deleted_at is null`);
  await conn.execute(sql`create temp table dup_scan_names on commit drop as select distinct name from dup_scan_records`);
  await conn.execute(sql`create temp table dup_scan_batch on commit drop as
    select name from dup_scan_names ${after === null ? sql`` : sql`where name collate "C" > ${after}`}
    order by name collate "C" limit ${num(batch)}`);
  const [read] = await selectRows<{ n: number; last: string | null }>(
    conn,
    sql`select count(*)::int as n, max(name collate "C") as last from dup_scan_batch`,
  );
  if (!Number(read.n)) return null;
  await conn.execute(sql`create index on dup_scan_names using gin (name gin_trgm_ops)`);
  await conn.execute(sql`analyze dup_scan_names, dup_scan_records, dup_scan_batch`);
  // Nothing under NAME_AT_COMPANY can become a pair: the index may skip it.
  await conn.execute(sql`select set_config('pg_trgm.similarity_threshold', ${String(NAME_AT_COMPANY)}, true)`);
  const kinds = pgArray(rules.exact.length ? [...rules.exact] : ['none'], 'text');
  await conn.execute(sql`
    with batch as materialized (select r.id, r.name, r.co from dup_scan_records r join dup_scan_batch b on b.name = r.name),
    keys as (
      select distinct st.record_id as id, st.kind, st.term from search_terms st
      where st.workspace_id = ${workspaceId} and st.record_type = ${type} and st.record_id in (select id from batch)
        and st.kind = any(${kinds}) and st.term <> '' and (st.kind <> 'phone' or length(st.term) >= 7)
    ),
    exact as (
      select k.id as a, o.record_id as b, array_agg(distinct o.kind order by o.kind) as reasons
      from keys k join search_terms o on o.workspace_id = ${workspaceId} and o.term = k.term collate "C"
        and o.record_type = ${type} and o.kind = k.kind
      where o.record_id <> k.id
      group by 1, 2
    ),
    probes as (select name from dup_scan_batch where length(btrim(name)) >= 3),
    near as materialized (
      select p.name as probe, d.name, similarity(d.name, p.name) as sim
      from probes p join dup_scan_names d on d.name % p.name
    ),
    ranked as (
      select b.id as a, o.id as b, n.sim, coalesce(b.co && o.co, false) as same_co,
        row_number() over (partition by b.id order by n.sim desc, o.id) as k
      from batch b join near n on n.probe = b.name join dup_scan_records o on o.name = n.name
      where o.id <> b.id
    ),
    fuzzy as (select a, b, sim, same_co from ranked where k <= ${num(FUZZY_PER_RECORD)}),
    joined as (
      select coalesce(e.a, f.a) as a, coalesce(e.b, f.b) as b, e.reasons, coalesce(f.sim, 0) as sim, coalesce(f.same_co, false) as same_co
      from exact e full join fuzzy f on f.a = e.a and f.b = e.b
    ),
    judged as (
      select j.*, (j.sim >= ${num(NAME_ALONE)} or (j.same_co and j.sim >= ${num(NAME_AT_COMPANY)})) as alike from joined j
    ),
    scored as (
      select a, b,
        round((case when reasons is not null then 1 else least(0.99, sim + case when same_co then ${num(COMPANY_BONUS)} else 0 end) end)::numeric, 2)::real as score,
        coalesce(reasons, '{}') || case when alike then array['name'] else '{}' end || case when alike and same_co then array['company'] else '{}' end as reasons
      from judged where reasons is not null or alike
    ),
    best as (
      select s.*, row_number() over (partition by s.a order by s.score desc, s.b) as k from scored s
    )
    insert into duplicate_pairs (workspace_id, record_type, a_id, b_id, score, reasons)
    select distinct on (least(a, b), greatest(a, b)) ${workspaceId}::uuid, ${type}, least(a, b), greatest(a, b), score, reasons
    from best where k <= ${num(PAIRS_PER_RECORD)}
    order by least(a, b), greatest(a, b), score desc
    on conflict (workspace_id, record_type, a_id, b_id) do update set score = excluded.score, reasons = excluded.reasons, found_at = excluded.found_at
      where duplicate_pairs.status = 'open'`);
  return Number(read.n) === batch ? read.last : null;
}

type PairRow = { a_id: string; b_id: string; score: number; reasons: Reason[]; found_at: string };

/** The open pairs of one type, most alike first; pairs with a record in the trash are left out. */
export async function listPairs(conn: Conn, ctx: Ctx, type: DuplicateType, limit: number): Promise<DuplicatePair[]> {
  const def = duplicateDef(type);
  const table = sql.identifier(getTableName(def.table));
  // A pair is shown only when the member's role reaches both records: one side would name the other.
  const seen = [visibleWhere(ctx, def, 'read', 'a'), visibleWhere(ctx, def, 'read', 'b')].filter((w) => w !== undefined);
  const rows = await selectRows<PairRow>(
    conn,
    sql`select p.a_id, p.b_id, p.score, p.reasons, to_char(p.found_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as found_at
      from duplicate_pairs p
      join ${table} a on a.workspace_id = p.workspace_id and a.id = p.a_id and a.deleted_at is null
      join ${table} b on b.workspace_id = p.workspace_id and b.id = p.b_id and b.deleted_at is null
      where p.workspace_id = ${ctx.workspaceId} and p.record_type = ${type} and p.status = 'open'
      ${seen.length ? sql`and ${sql.join(seen, sql` and `)}` : sql``}
      order by p.score desc, p.found_at desc, p.a_id, p.b_id limit ${limit}`,
  );
  const names = await describe(
    conn,
    ctx,
    def,
    rows.flatMap((r) => [r.a_id, r.b_id]),
  );
  const side = (id: string) => ({ id, ...(names.get(id) ?? { title: '', subtitle: null }) });
  return rows.map((r) => ({
    type,
    score: Number(r.score),
    reasons: r.reasons,
    foundAt: r.found_at,
    records: [side(r.a_id), side(r.b_id)],
  }));
}

/** Remembers that two records are not duplicates: scans and creates will not raise the pair again. */
export async function dismissPair(conn: Conn, ctx: Ctx, type: DuplicateType, ids: string[]) {
  const def = duplicateDef(type);
  const [x, y] = ids;
  if (x === y) throw invalid([{ field: 'body.ids.1', code: 'same_record', message: 'names the same record twice' }]);
  const found = await selectRows<{ id: string }>(
    conn,
    sql`select id from ${sql.identifier(getTableName(def.table))} where workspace_id = ${ctx.workspaceId} and id = any(${pgArray(ids, 'uuid')})`,
  );
  const foundIds = found.map((f) => f.id);
  const missing = ids.findIndex((id) => !foundIds.includes(id));
  if (missing >= 0) {
    throw invalid([
      { field: `body.ids.${missing}`, code: 'unknown_record', message: `is not a ${def.label.toLowerCase()} of this workspace` },
    ]);
  }
  const [a, b] = x < y ? [x, y] : [y, x];
  await conn.execute(sql`
    insert into duplicate_pairs (workspace_id, record_type, a_id, b_id, score, reasons, status, dismissed_by, dismissed_at)
    values (${ctx.workspaceId}, ${type}, ${a}, ${b}, 0, '{}', 'dismissed', ${ctx.memberId}, now())
    on conflict (workspace_id, record_type, a_id, b_id) do update set status = 'dismissed', dismissed_by = excluded.dismissed_by, dismissed_at = excluded.dismissed_at`);
}

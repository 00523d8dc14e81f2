import { type SQL, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { ContactCompany } from '../../../contract/contacts.ts';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { FieldChange } from '../../records/changes.ts';
import { projectionObject } from '../../records/list.ts';
import { contactDef, toContact } from '../contacts/contacts.service.ts';
import type { contacts, LabeledPhone, LabeledValue } from '../contacts/contacts.table.ts';
import { eventRowsSql, historyRowsSql } from '../history/history.service.ts';
import { refreshSearch } from '../search/search.service.ts';

// Set-based SQL of an import. Each statement takes a whole batch as one JSON parameter
// (jsonb_to_recordset), so thousands of contacts cost a few round trips. The planner knows
// neither how many rows such a parameter holds nor, right after a bulk load, how large the tables
// are; lookups are therefore written as LATERAL probes (`offset 0` keeps each a separate index
// lookup) so that no estimate can turn them into a scan of the whole workspace per batch.

/** The fields of a contact an import writes (a type, not an interface: history's diff takes it as a record). */
export type ContactValues = {
  id: string;
  firstName: string | null;
  lastName: string | null;
  emails: LabeledValue[];
  phones: LabeledPhone[];
  title: string | null;
  lifecycleStage: string | null;
  source: string | null;
  custom: Record<string, unknown>;
};

const jsonb = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

const columns = (c: ContactValues) => ({
  id: c.id,
  first_name: c.firstName,
  last_name: c.lastName,
  emails: c.emails,
  phones: c.phones,
  title: c.title,
  lifecycle_stage: c.lifecycleStage,
  source: c.source,
  custom: c.custom,
});
const columnTypes =
  'id uuid, first_name text, last_name text, emails jsonb, phones jsonb, title text, lifecycle_stage text, source text, custom jsonb';

/** The contact as the API reads it, built by PostgreSQL from the contacts module's projection. */
const contactJson = sql`${projectionObject(contactDef.projection ?? {})}::jsonb`;

/** INSERT … SELECT of the search terms of new records (`from`: a CTE of the inserted rows), as refreshSearch writes them. */
const searchTermsOf = (from: SQL) => sql`
  insert into search_terms (workspace_id, record_type, record_id, kind, term)
  select r.workspace_id, 'contact', r.id, t.kind, t.term
  from ${from} r cross join lateral (${sql.raw(contactDef.search.terms)}) t
  where t.term is not null and t.term <> ''
  on conflict do nothing`;

/** The transaction's time: what `now()` writes into created_at and updated_at. */
export async function transactionTime(conn: Conn): Promise<Date> {
  const [row] = await selectRows<{ now: Date | string }>(conn, sql`select now() as now`);
  return new Date(row.now);
}

/**
 * Contacts of this workspace (not in the trash) that hold any of these emails: email → the oldest
 * such contact. Candidates come from the search index, one probe of (workspace_id, term) per email;
 * the contacts' own emails then confirm the exact address (search terms are folded — no accents —
 * and cut at 200 characters).
 *
 * The type and kind are compared as expressions (`|| ''`), not as columns: as columns they let
 * the primary key (workspace_id, record_type, record_id, kind, term) serve the probe too, and with
 * statistics older than the table's contents (the embedded database has no autovacuum) the planner
 * took it, scanning every contact term of the workspace once per email: 8 ms a probe at 20,000
 * contacts, 178 s for a 20,000-row import. Only search_terms_prefix_idx fits the probe now.
 *
 * Measured against probing the GIN index of `contacts.emails` (`emails @> [{"value": …}]`), 5,000
 * emails in a workspace of 100,000 contacts on PostgreSQL 15: 90–240 ms here, 30–37 s there (the
 * planner ANDs every GIN probe with the whole workspace's primary-key range); on PGlite each GIN
 * probe also reads the index's pending list, which a bulk load fills.
 */
export async function contactsByEmail(conn: Conn, ctx: Ctx, emails: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (!emails.length) return found;
  const candidates = await selectRows<{ email: string; id: string }>(
    conn,
    sql`select e.email, t.record_id as id
      from jsonb_array_elements_text(${jsonb(emails)}) e(email)
      cross join lateral (
        select st.record_id from search_terms st
        where st.workspace_id = ${ctx.workspaceId} and st.term = left(rapport_fold(e.email), 200)
          and (st.record_type || '') = 'contact' and (st.kind || '') = 'email'
        offset 0) t`,
  );
  if (!candidates.length) return found;
  const holders = new Map<string, Set<string>>();
  for (const c of await contactRows(conn, ctx, [...new Set(candidates.map((c) => c.id))], sql`c.id, c.emails`, false)) {
    holders.set(c.id as string, new Set((c.emails as LabeledValue[]).map((e) => e.value)));
  }
  for (const c of candidates.sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (!found.has(c.email) && holders.get(c.id)?.has(c.email)) found.set(c.email, c.id);
  }
  return found;
}

/**
 * Contacts of this workspace by id (not in the trash), in id order. One `id = any(…)` condition,
 * not a probe per id: with statistics from before an import grew the workspace, the planner may
 * read these through contacts_owner_activity_idx (it ends in `id`), which costs a scan of the
 * workspace — once per call this way, where a probe per id would pay it for every id (measured:
 * 1.7 ms a probe at 100,000 contacts, against 0.003 ms by the primary key).
 */
function contactRows(conn: Conn, ctx: Ctx, ids: string[], columns: SQL, lock: boolean) {
  return selectRows<Record<string, unknown>>(
    conn,
    sql`select ${columns} from contacts c
      where c.workspace_id = ${ctx.workspaceId} and c.id = any(${pgArray(ids, 'uuid')}) and c.deleted_at is null
      order by c.id ${lock ? sql`for update` : sql``}`,
  );
}

/**
 * The importable fields of some contacts (not in the trash), locked until the import commits when
 * `lock`, in id order: two imports updating the same contacts wait for each other, not deadlock.
 */
export async function loadContacts(conn: Conn, ctx: Ctx, ids: string[], lock: boolean): Promise<ContactValues[]> {
  if (!ids.length) return [];
  const columns = sql`c.id, c.first_name as "firstName", c.last_name as "lastName", c.emails, c.phones, c.title,
    c.lifecycle_stage as "lifecycleStage", c.source, c.custom`;
  return (await contactRows(conn, ctx, ids, columns, lock)) as ContactValues[];
}

/**
 * Inserts new contacts with their create history rows, `contact.created` events and search terms,
 * in one statement. The contact's API shape in history and event is the contacts module's own
 * mapper applied to the values inserted and the company links the caller writes next (as a single
 * create writes it); `now` is the transaction's time, which the rows' created_at and updated_at take.
 */
export async function insertContacts(
  conn: Conn,
  ctx: Ctx,
  ownerId: string,
  now: Date,
  rows: (ContactValues & { companies?: ContactCompany[] })[],
) {
  if (!rows.length) return;
  const records = rows.map(({ companies, ...c }) => {
    const row: typeof contacts.$inferSelect = {
      ...c,
      workspaceId: ctx.workspaceId,
      address: null,
      ownerId,
      lastActivityAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
      createdBy: ctx.memberId,
      deletedAt: null,
    };
    return { ...columns(c), hid: uuidv7(), eid: uuidv7(), api: toContact(row, companies ?? []) };
  });
  await conn.execute(sql`
    with r as materialized (
      select * from jsonb_to_recordset(${jsonb(records)}) r(${sql.raw(columnTypes)}, hid uuid, eid uuid, api jsonb)
    ), inserted as (
      insert into contacts (workspace_id, id, first_name, last_name, emails, phones, title, lifecycle_stage, source, owner_id, custom, created_by)
      select ${ctx.workspaceId}, r.id, r.first_name, r.last_name, r.emails, r.phones, r.title, r.lifecycle_stage, r.source,
        ${ownerId}, r.custom, ${ctx.memberId}
      from r
      returning *
    ), history as (
      ${historyRowsSql(ctx, 'contact', 'create', { id: sql`r.hid`, recordId: sql`r.id`, field: sql`null`, old: sql`null`, new: sql`r.api`, version: sql`1` }, sql`r`)}
    ), events as (
      ${eventRowsSql(ctx, 'contact.created', 'contact', { id: sql`r.eid`, recordId: sql`r.id`, payload: sql`jsonb_build_object('after', r.api)` }, sql`r`)}
    )
    ${searchTermsOf(sql`inserted`)}`);
}

/**
 * Writes changed contacts: new values, version + 1, one history row per changed field and a
 * `contact.updated` event with the changes and the contact as it now reads (company links included).
 */
export async function updateContacts(conn: Conn, ctx: Ctx, rows: { values: ContactValues; changes: FieldChange[] }[]) {
  if (!rows.length) return;
  const records = rows.map((r) => ({ ...columns(r.values), eid: uuidv7(), changes: r.changes }));
  const history = rows.flatMap((r) =>
    r.changes.map((ch) => ({ hid: uuidv7(), rid: r.values.id, field: ch.field, old: ch.old ?? null, new: ch.new ?? null })),
  );
  // The CTE of updated rows is called `contacts` so that the projection's column references read it.
  await conn.execute(sql`
    with r as materialized (
      select * from jsonb_to_recordset(${jsonb(records)}) r(${sql.raw(columnTypes)}, eid uuid, changes jsonb)
    ), contacts as (
      update contacts c set first_name = r.first_name, last_name = r.last_name, emails = r.emails, phones = r.phones,
        title = r.title, lifecycle_stage = r.lifecycle_stage, source = r.source, custom = r.custom,
        version = c.version + 1, updated_at = now()
      from r
      where c.workspace_id = ${ctx.workspaceId} and c.id = r.id
      returning c.*
    ), history as (
      ${historyRowsSql(
        ctx,
        'contact',
        'update',
        { id: sql`h.hid`, recordId: sql`h.rid`, field: sql`h.field`, old: sql`h.old`, new: sql`h.new`, version: sql`contacts.version` },
        sql`jsonb_to_recordset(${jsonb(history)}) h(hid uuid, rid uuid, field text, old jsonb, new jsonb) join contacts on contacts.id = h.rid`,
      )}
    )
    ${eventRowsSql(
      ctx,
      'contact.updated',
      'contact',
      { id: sql`r.eid`, recordId: sql`contacts.id`, payload: sql`jsonb_build_object('changes', r.changes, 'after', ${contactJson})` },
      sql`contacts join r on r.id = contacts.id`,
    )}`);
  await refreshSearch(
    conn,
    ctx.workspaceId,
    contactDef,
    rows.map((r) => r.values.id),
  );
}

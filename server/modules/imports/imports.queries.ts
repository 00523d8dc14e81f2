import { type SQL, sql } from 'drizzle-orm';
import type { ContactCompany, LabeledPhone, LabeledValue } from '../../../contract/contacts.ts';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { FieldChange } from '../../records/changes.ts';
import { insertRecords, updateRecords } from '../../records/set-writes.ts';
import { visibleWhere } from '../../records/visibility.ts';
import { contactDef, toContact } from '../contacts/contacts.service.ts';

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

/** A contact row as the contacts module maps it to the API (its table is the contacts module's own). */
type ContactRow = Parameters<typeof toContact>[0];

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
  // A member whose role narrows contacts matches and updates only those they may edit: a row naming
  // another's contact becomes a contact of their own, and says nothing of the other (the duplicate
  // queue shows both to whoever sees both).
  const reach = visibleWhere(ctx, contactDef, 'edit', 'c');
  return selectRows<Record<string, unknown>>(
    conn,
    sql`select ${columns} from contacts c
      where c.workspace_id = ${ctx.workspaceId} and c.id = any(${pgArray(ids, 'uuid')}) and c.deleted_at is null
        ${reach ? sql`and ${reach}` : sql``}
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
  await insertRecords(
    conn,
    ctx,
    contactDef,
    rows.map(({ companies, ...c }) => {
      const values = { ...c, ownerId, createdBy: ctx.memberId };
      const row: ContactRow = {
        ...values,
        workspaceId: ctx.workspaceId,
        address: null,
        lastActivityAt: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      return { values, after: toContact(row, companies ?? []) };
    }),
  );
}

/**
 * Writes changed contacts: new values, version + 1, one history row per changed field and a
 * `contact.updated` event with the changes and the contact as it now reads (company links included).
 */
export function updateContacts(conn: Conn, ctx: Ctx, rows: { values: ContactValues; changes: FieldChange[] }[]) {
  return updateRecords(
    conn,
    ctx,
    contactDef,
    rows.map(({ values: { id, ...values }, changes }) => ({ id, values, changes })),
  );
}

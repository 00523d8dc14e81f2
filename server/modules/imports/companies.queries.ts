import { sql } from 'drizzle-orm';
import type { ContactCompany } from '../../../contract/contacts.ts';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { FieldChange } from '../../records/changes.ts';
import { insertRecords, updateRecords } from '../../records/set-writes.ts';
import { companyDef, toCompany } from '../companies/companies.service.ts';

// Set-based SQL for companies an import writes: a company import's rows, and the companies a
// contact import links its contacts to. Like imports.queries.ts, each statement takes a batch as
// one JSON parameter, and lookups are LATERAL probes of an index, one per name or domain.

/** A company row as the companies module maps it to the API (its table is the companies module's own). */
type CompanyRow = Parameters<typeof toCompany>[0];
export type Address = NonNullable<CompanyRow['address']>;

/** The fields of a company an import writes (a type, not an interface: history's diff takes it as a record). */
export type CompanyValues = {
  id: string;
  name: string;
  domain: string | null;
  industry: string | null;
  size: string | null;
  phone: string | null;
  phoneE164: string | null;
  address: Address | null;
  custom: Record<string, unknown>;
};

const jsonb = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

/** A company found for a name or domain: its id and name (a contact's link reads the name). */
export interface FoundCompany {
  id: string;
  name: string;
}

/**
 * Companies of this workspace (not in the trash) by domain and by name, ignoring case (as
 * PostgreSQL's lower() folds it, on both sides): the oldest company for each. Each key is one probe
 * of companies_domain_idx or companies_name_idx.
 */
export async function companiesByKey(
  conn: Conn,
  ctx: Ctx,
  names: string[],
  domains: string[],
): Promise<{ byName: Map<string, FoundCompany>; byDomain: Map<string, FoundCompany> }> {
  const byName = new Map<string, FoundCompany>();
  const byDomain = new Map<string, FoundCompany>();
  if (domains.length) {
    const rows = await selectRows<{ key: string; id: string; name: string }>(
      conn,
      sql`select k.key, c.id, c.name from jsonb_array_elements_text(${jsonb(domains)}) k(key)
        cross join lateral (
          select c.id, c.name from companies c
          where c.workspace_id = ${ctx.workspaceId} and c.domain = k.key and c.deleted_at is null
          order by c.id limit 1) c`,
    );
    for (const r of rows) byDomain.set(r.key, { id: r.id, name: r.name });
  }
  if (names.length) {
    const rows = await selectRows<{ key: string; id: string; name: string }>(
      conn,
      sql`select k.key, c.id, c.name from jsonb_array_elements_text(${jsonb(names)}) k(key)
        cross join lateral (
          select c.id, c.name from companies c
          where c.workspace_id = ${ctx.workspaceId} and lower(c.name) = lower(k.key) and c.deleted_at is null
          order by c.id limit 1) c`,
    );
    for (const r of rows) byName.set(r.key, { id: r.id, name: r.name });
  }
  return { byName, byDomain };
}

/** The importable fields of some companies (not in the trash), locked until the import commits when `lock`, in id order. */
export async function loadCompanies(conn: Conn, ctx: Ctx, ids: string[], lock: boolean): Promise<CompanyValues[]> {
  if (!ids.length) return [];
  return selectRows<CompanyValues>(
    conn,
    sql`select c.id, c.name, c.domain, c.industry, c.size, c.phone, c.phone_e164 as "phoneE164", c.address, c.custom
      from companies c
      where c.workspace_id = ${ctx.workspaceId} and c.id = any(${pgArray(ids, 'uuid')}) and c.deleted_at is null
      order by c.id ${lock ? sql`for update` : sql``}`,
  );
}

/**
 * Inserts new companies with their create history rows, `company.created` events and search
 * terms, in one statement; `now` is the transaction's time, which created_at and updated_at take.
 */
export async function insertCompanies(conn: Conn, ctx: Ctx, ownerId: string, now: Date, rows: CompanyValues[]) {
  await insertRecords(
    conn,
    ctx,
    companyDef,
    rows.map((c) => {
      const values = { ...c, ownerId, createdBy: ctx.memberId };
      const row: CompanyRow = {
        ...values,
        workspaceId: ctx.workspaceId,
        lastActivityAt: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      return { values, after: toCompany(row) };
    }),
  );
}

/**
 * Writes changed companies: new values, version + 1, one history row per changed field and a
 * `company.updated` event with the changes and the company as it now reads.
 */
export function updateCompanies(conn: Conn, ctx: Ctx, rows: { values: CompanyValues; changes: FieldChange[] }[]) {
  return updateRecords(
    conn,
    ctx,
    companyDef,
    rows.map(({ values: { id, ...values }, changes }) => ({ id, values, changes })),
  );
}

/** The live company links of some contacts, in the order a contact reads them (primary first, then by name). */
export async function companyLinks(conn: Conn, ctx: Ctx, contactIds: string[]): Promise<Map<string, ContactCompany[]>> {
  const out = new Map<string, ContactCompany[]>(contactIds.map((id) => [id, []]));
  if (!contactIds.length) return out;
  const rows = await selectRows<ContactCompany & { contactId: string }>(
    conn,
    sql`select cc.contact_id as "contactId", cc.company_id as "companyId", co.name, cc.role, cc.is_primary as "isPrimary"
      from contact_companies cc join companies co on co.workspace_id = cc.workspace_id and co.id = cc.company_id
      where cc.workspace_id = ${ctx.workspaceId} and cc.contact_id = any(${pgArray(contactIds, 'uuid')}) and co.deleted_at is null
      order by cc.is_primary desc, co.name collate "C", cc.company_id`,
  );
  for (const { contactId, ...link } of rows) out.get(contactId)?.push(link);
  return out;
}

/** Links contacts to companies (a link that exists already is left as it is). */
export async function linkContacts(conn: Conn, ctx: Ctx, links: { contactId: string; companyId: string; isPrimary: boolean }[]) {
  if (!links.length) return;
  await conn.execute(sql`
    insert into contact_companies (workspace_id, contact_id, company_id, is_primary)
    select ${ctx.workspaceId}, l.contact_id, l.company_id, l.is_primary
    from jsonb_to_recordset(${jsonb(links.map((l) => ({ contact_id: l.contactId, company_id: l.companyId, is_primary: l.isPrimary })))})
      l(contact_id uuid, company_id uuid, is_primary boolean)
    on conflict do nothing`);
}

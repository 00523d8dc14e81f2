import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Conn } from '../../db/client.ts';
import { companies } from '../companies/companies.table.ts';
import { contacts } from '../contacts/contacts.table.ts';

// The customer's tier (a support plan: "gold", "basic" …), read by routing rules and SLA overrides
// alike so that the two never disagree on who a gold customer is: the `tier` custom field of the
// ticket's company, else of its requester. Companies carry it in most desks (a plan is bought per
// account); the contact covers customers who buy as persons. Read as the system: which targets a
// ticket gets must not depend on who typed it in or what they may see.

/** Tiers (and routing keywords) compare folded: "Gold", " gold " and "ＧＯＬＤ" are one tier. */
export const fold = (s: string) => s.normalize('NFKC').toLowerCase().trim();

export interface Customer {
  companyId?: string | null;
  requesterId?: string | null;
}

/** A `tier` value as stored in custom fields: a non-blank string, else none. */
const tierSql = (custom: typeof companies.custom | typeof contacts.custom) =>
  sql<string | null>`case when jsonb_typeof(${custom}->'tier') = 'string' then ${custom}->>'tier' end`;

const folded = (v: string | null | undefined) => (v?.trim() ? fold(v) : null);

/**
 * The tiers of many customers at once (a batch of tickets being recomputed), in their order: two
 * reads by primary key, whatever the number. A company or contact in the trash has no tier.
 */
export async function customerTiers(conn: Conn, workspaceId: string, customers: Customer[]): Promise<(string | null)[]> {
  const ids = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((id): id is string => !!id).map((id) => id.toLowerCase()))];
  const companyIds = ids(customers.map((c) => c.companyId));
  const contactIds = ids(customers.map((c) => c.requesterId));
  const byCompany = new Map<string, string | null>();
  const byContact = new Map<string, string | null>();
  if (companyIds.length) {
    const rows = await conn
      .select({ id: companies.id, tier: tierSql(companies.custom) })
      .from(companies)
      .where(and(eq(companies.workspaceId, workspaceId), inArray(companies.id, companyIds), isNull(companies.deletedAt)));
    for (const r of rows) byCompany.set(r.id, folded(r.tier));
  }
  if (contactIds.length) {
    const rows = await conn
      .select({ id: contacts.id, tier: tierSql(contacts.custom) })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, contactIds), isNull(contacts.deletedAt)));
    for (const r of rows) byContact.set(r.id, folded(r.tier));
  }
  return customers.map(
    (c) =>
      (c.companyId ? byCompany.get(c.companyId.toLowerCase()) : null) ??
      (c.requesterId ? byContact.get(c.requesterId.toLowerCase()) : null) ??
      null,
  );
}

/** One customer's tier. */
export async function customerTier(conn: Conn, workspaceId: string, customer: Customer) {
  return (await customerTiers(conn, workspaceId, [customer]))[0];
}

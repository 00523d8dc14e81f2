import type { Conn } from '../../db/client.ts';
import { companyCustomText } from '../companies/companies.service.ts';
import { contactCustomText } from '../contacts/contacts.service.ts';

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

const folded = (v: string | null | undefined) => (v?.trim() ? fold(v) : null);

/**
 * The tiers of many customers at once (a batch of tickets being recomputed), in their order: two
 * reads by primary key, whatever the number. A company or contact in the trash has no tier.
 */
export async function customerTiers(conn: Conn, workspaceId: string, customers: Customer[]): Promise<(string | null)[]> {
  const ids = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((id): id is string => !!id).map((id) => id.toLowerCase()))];
  const byCompany = await companyCustomText(conn, workspaceId, ids(customers.map((c) => c.companyId)), 'tier');
  const byContact = await contactCustomText(conn, workspaceId, ids(customers.map((c) => c.requesterId)), 'tier');
  return customers.map(
    (c) =>
      (c.companyId ? folded(byCompany.get(c.companyId.toLowerCase())) : null) ??
      (c.requesterId ? folded(byContact.get(c.requesterId.toLowerCase())) : null) ??
      null,
  );
}

/** One customer's tier. */
export async function customerTier(conn: Conn, workspaceId: string, customer: Customer) {
  return (await customerTiers(conn, workspaceId, [customer]))[0];
}

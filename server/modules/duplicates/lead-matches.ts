import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { findRow } from '../../records/crud.ts';
import { companyDef } from '../companies/companies.service.ts';
import { contactDef } from '../contacts/contacts.service.ts';
import { leadDef } from '../leads/leads.service.ts';
import { describedCandidates, storedProbe, valuesProbe } from './duplicates.service.ts';

type LeadRow = { email: string | null; companyName: string | null };

/**
 * What converting a lead could link to instead of creating: contacts that look like its person
 * (the lead read as a contact: the same email or phone, a look-alike name) and companies that look
 * like its company (its company name as a company's name, its email's domain as a company's).
 */
export async function findLeadMatches(conn: Conn, ctx: Ctx, id: string) {
  const lead = await findRow<LeadRow>(conn, ctx, leadDef, id);
  const ws = ctx.workspaceId;
  const contacts = await describedCandidates(conn, ctx, contactDef, storedProbe(leadDef, ws, id), 5);
  const name = lead.companyName?.trim();
  const domain = lead.email?.split('@')[1] ?? null;
  const companies =
    name || domain ? await describedCandidates(conn, ctx, companyDef, valuesProbe(companyDef, ws, { name: name ?? '', domain }), 5) : [];
  return { contacts, companies };
}

import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { leadStatuses } from '../../../contract/enums.ts';
import { customColumn, recordColumns, tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import { companies } from '../companies/companies.table.ts';
import { contacts } from '../contacts/contacts.table.ts';
import { deals } from '../deals/deals.table.ts';

export const leads = pgTable(
  'leads',
  {
    ...tenantKey(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    email: text('email'),
    phone: text('phone'),
    /** The phone in E.164, read when it was written (in the workspace's country then), for calling and search. */
    phoneE164: text('phone_e164'),
    companyName: text('company_name'),
    title: text('title'),
    source: text('source'),
    status: text('status', { enum: leadStatuses }).notNull().default('new'),
    ownerId: uuid('owner_id'),
    convertedAt: ts('converted_at'),
    convertedContactId: uuid('converted_contact_id'),
    convertedCompanyId: uuid('converted_company_id'),
    convertedDealId: uuid('converted_deal_id'),
    custom: customColumn(),
    ...recordColumns(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.ownerId),
    foreignKey({
      columns: [t.workspaceId, t.convertedContactId],
      foreignColumns: [contacts.workspaceId, contacts.id],
    }),
    foreignKey({
      columns: [t.workspaceId, t.convertedCompanyId],
      foreignColumns: [companies.workspaceId, companies.id],
    }),
    foreignKey({ columns: [t.workspaceId, t.convertedDealId], foreignColumns: [deals.workspaceId, deals.id] }),
    index('leads_owner_updated_idx').on(t.workspaceId, t.ownerId, t.updatedAt, t.id),
    index('leads_status_idx').on(t.workspaceId, t.status),
    // Duplicate detection finds look-alike names by trigram similarity (leadDef.duplicates.name).
    index('leads_name_trgm_idx').using('gin', sql`rapport_fold(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) gin_trgm_ops`),
    // Synced email finds the lead an address belongs to.
    index('leads_email_idx').on(t.workspaceId, t.email),
  ],
);

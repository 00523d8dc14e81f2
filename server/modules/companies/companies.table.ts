import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { customColumn, recordColumns, tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

export type Address = { street?: string; city?: string; region?: string; postalCode?: string; country?: string };

export const companies = pgTable(
  'companies',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    domain: text('domain'),
    industry: text('industry'),
    size: text('size'),
    address: jsonb('address').$type<Address>(),
    phone: text('phone'),
    /** The phone in E.164, read when it was written (in the workspace's country then), for calling and search. */
    phoneE164: text('phone_e164'),
    ownerId: uuid('owner_id'),
    lastActivityAt: ts('last_activity_at'),
    custom: customColumn(),
    ...recordColumns(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.ownerId),
    index('companies_owner_updated_idx').on(t.workspaceId, t.ownerId, t.updatedAt, t.id),
    index('companies_updated_idx').on(t.workspaceId, t.updatedAt, t.id),
    index('companies_domain_idx').on(t.workspaceId, t.domain),
    // Imports find a contact's company by name ignoring case, one probe per name.
    index('companies_name_idx').on(t.workspaceId, sql`lower(${t.name})`),
    // Duplicate detection finds look-alike names by trigram similarity (companyDef.duplicates.name).
    index('companies_name_trgm_idx').using('gin', sql`rapport_fold(name) gin_trgm_ops`),
  ],
);

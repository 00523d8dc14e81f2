import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import type { LabeledPhone, LabeledValue } from '../../../contract/contacts.ts';
import { bytea, customColumn, recordColumns, tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import type { Address } from '../companies/companies.table.ts';
import { companies } from '../companies/companies.table.ts';

export type { LabeledPhone, LabeledValue };

export const contacts = pgTable(
  'contacts',
  {
    ...tenantKey(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    // Each email is stored lower-cased so that exact lookups (dedupe, email sync) can use the GIN index.
    emails: jsonb('emails').$type<LabeledValue[]>().notNull().default([]),
    phones: jsonb('phones').$type<LabeledPhone[]>().notNull().default([]),
    title: text('title'),
    address: jsonb('address').$type<Address>(),
    lifecycleStage: text('lifecycle_stage'),
    source: text('source'),
    ownerId: uuid('owner_id'),
    lastActivityAt: ts('last_activity_at'),
    custom: customColumn(),
    ...recordColumns(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.ownerId),
    index('contacts_owner_updated_idx').on(t.workspaceId, t.ownerId, t.updatedAt, t.id),
    index('contacts_updated_idx').on(t.workspaceId, t.updatedAt, t.id),
    // "My contacts, most recently active first": the list a salesperson opens every morning.
    index('contacts_owner_activity_idx').on(t.workspaceId, t.ownerId, t.lastActivityAt.desc().nullsLast(), t.id.desc()),
    index('contacts_emails_idx').using('gin', t.emails.op('jsonb_path_ops')),
    // Duplicate detection finds look-alike names by trigram similarity (contactDef.duplicates.name).
    index('contacts_name_trgm_idx').using(
      'gin',
      sql`rapport_fold(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) gin_trgm_ops`,
    ),
  ],
);

/** Contacts ↔ companies, many-to-many, with the person's role at that company. */
export const contactCompanies = pgTable(
  'contact_companies',
  {
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    companyId: uuid('company_id').notNull(),
    role: text('role'),
    isPrimary: boolean('is_primary').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.contactId, t.companyId] }),
    foreignKey({ columns: [t.workspaceId, t.contactId], foreignColumns: [contacts.workspaceId, contacts.id] }).onDelete('cascade'),
    foreignKey({
      columns: [t.workspaceId, t.companyId],
      foreignColumns: [companies.workspaceId, companies.id],
    }).onDelete('cascade'),
    index('contact_companies_company_idx').on(t.workspaceId, t.companyId),
  ],
);

/**
 * A contact's photo (uploaded, or from an imported vCard's PHOTO), one per contact. Beside the
 * contact rather than in it: lists and reads of contacts never carry the bytes. `content_type` is
 * what the bytes were recognised as (photos.ts), never what the uploader claimed.
 */
export const contactPhotos = pgTable(
  'contact_photos',
  {
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    content: bytea('content').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.contactId] }),
    foreignKey({ columns: [t.workspaceId, t.contactId], foreignColumns: [contacts.workspaceId, contacts.id] }).onDelete('cascade'),
  ],
);

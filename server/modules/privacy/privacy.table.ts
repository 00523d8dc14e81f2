import { foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { consentStatuses, privacyRequestKinds } from '../../../contract/privacy.ts';
import { trashTypes } from '../../../contract/trash.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { contacts } from '../contacts/contacts.table.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * The register of privacy requests: every export and erasure of a person's data, by whom, why, and
 * what was done. It names the record by id only, so that it outlives an erasure with nothing to erase.
 */
export const privacyRequests = pgTable(
  'privacy_requests',
  {
    ...tenantKey(),
    kind: text('kind', { enum: privacyRequestKinds }).notNull(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    requestedBy: uuid('requested_by'),
    reason: text('reason'),
    summary: jsonb('summary').$type<Record<string, number>>().notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [...tenantConstraints(t), index('privacy_requests_at_idx').on(t.workspaceId, t.at)],
);

/** Records under legal hold: they may not be erased until the hold is lifted. */
export const legalHolds = pgTable(
  'legal_holds',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    reason: text('reason').notNull(),
    setBy: uuid('set_by'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.recordType, t.recordId] })],
);

/**
 * Consent records: what a person agreed to or withdrew, for which purpose, where, when, and to which
 * wording. Append-only by use (a withdrawal is a new record); they go with the person on erasure.
 */
export const contactConsents = pgTable(
  'contact_consents',
  {
    ...tenantKey(),
    contactId: uuid('contact_id').notNull(),
    purpose: text('purpose').notNull(),
    status: text('status', { enum: consentStatuses }).notNull(),
    source: text('source').notNull(),
    wordingVersion: text('wording_version'),
    at: ts('at').notNull(),
    recordedBy: uuid('recorded_by'),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.contactId], foreignColumns: [contacts.workspaceId, contacts.id] }).onDelete('cascade'),
    index('contact_consents_contact_idx').on(t.workspaceId, t.contactId, t.purpose, t.at),
  ],
);

/** How long each object's records stay in the trash before the nightly job deletes them for good. */
export const retentionRules = pgTable(
  'retention_rules',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    objectType: text('object_type', { enum: trashTypes }).notNull(),
    days: integer('days').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.objectType] })],
);

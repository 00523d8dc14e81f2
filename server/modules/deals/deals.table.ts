import { sql } from 'drizzle-orm';
import { char, date, foreignKey, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { dealStatuses } from '../../../contract/enums.ts';
import { customColumn, money, recordColumns, tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';
import { companies } from '../companies/companies.table.ts';
import { contacts } from '../contacts/contacts.table.ts';
import { pipelineStages, pipelines } from '../pipelines/pipelines.table.ts';

export const deals = pgTable(
  'deals',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    amountMinor: money('amount_minor'),
    currency: char('currency', { length: 3 }).notNull(),
    pipelineId: uuid('pipeline_id').notNull(),
    stageId: uuid('stage_id').notNull(),
    // Denormalised from the stage so that lists, boards and forecasts filter without a join.
    status: text('status', { enum: dealStatuses }).notNull().default('open'),
    probability: integer('probability').notNull(),
    expectedCloseDate: date('expected_close_date', { mode: 'string' }),
    closedAt: ts('closed_at'),
    closeReason: text('close_reason'),
    ownerId: uuid('owner_id'),
    companyId: uuid('company_id'),
    lastActivityAt: ts('last_activity_at'),
    custom: customColumn(),
    ...recordColumns(),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.ownerId),
    foreignKey({ columns: [t.workspaceId, t.pipelineId], foreignColumns: [pipelines.workspaceId, pipelines.id] }),
    foreignKey({ columns: [t.workspaceId, t.stageId], foreignColumns: [pipelineStages.workspaceId, pipelineStages.id] }),
    foreignKey({ columns: [t.workspaceId, t.companyId], foreignColumns: [companies.workspaceId, companies.id] }),
    index('deals_pipeline_stage_idx').on(t.workspaceId, t.pipelineId, t.stageId),
    index('deals_owner_updated_idx').on(t.workspaceId, t.ownerId, t.updatedAt, t.id),
    index('deals_company_idx').on(t.workspaceId, t.companyId),
    // Look-alike names (duplicates.service.ts), folded as the duplicate rule of dealDef writes them.
    index('deals_name_trgm_idx').using('gin', sql`rapport_fold(name) gin_trgm_ops`),
    // Win rate by month and closed-deal reports read closed deals by pipeline and close date.
    index('deals_closed_idx').on(t.workspaceId, t.pipelineId, t.status, t.closedAt),
  ],
);

export const dealContacts = pgTable(
  'deal_contacts',
  {
    workspaceId: uuid('workspace_id').notNull(),
    dealId: uuid('deal_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    role: text('role'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.dealId, t.contactId] }),
    foreignKey({ columns: [t.workspaceId, t.dealId], foreignColumns: [deals.workspaceId, deals.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.contactId], foreignColumns: [contacts.workspaceId, contacts.id] }).onDelete('cascade'),
    index('deal_contacts_contact_idx').on(t.workspaceId, t.contactId),
  ],
);

import { bigint, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * Field-level audit trail, append-only (a trigger refuses UPDATE and DELETE). One row per
 * changed field; creates, deletes and restores write one row with `field` null.
 */
export const recordHistory = pgTable(
  'record_history',
  {
    ...tenantKey(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    action: text('action', { enum: ['create', 'update', 'delete', 'restore', 'merge', 'convert'] }).notNull(),
    field: text('field'),
    oldValue: jsonb('old_value'),
    newValue: jsonb('new_value'),
    actorType: text('actor_type', { enum: ['member', 'api_key', 'system'] }).notNull(),
    actorId: uuid('actor_id'),
    requestId: text('request_id'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [...tenantConstraints(t), index('record_history_record_idx').on(t.workspaceId, t.recordType, t.recordId, t.at)],
);

/**
 * The outbox of domain events, written in the same transaction as the change. Automations,
 * webhooks, search and live updates read from here, so no change is ever missed.
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    ...tenantKey(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    type: text('type').notNull(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    payload: jsonb('payload').notNull(),
    actorId: uuid('actor_id'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [...tenantConstraints(t), index('domain_events_seq_idx').on(t.workspaceId, t.seq)],
);

/** Saved responses of creates sent with an Idempotency-Key, so a retried request is answered, not repeated. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    workspaceId: uuid('workspace_id').notNull(),
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    statusCode: integer('status_code').notNull(),
    response: jsonb('response').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.principal, t.key] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
  ],
);

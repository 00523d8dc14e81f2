import { sql } from 'drizzle-orm';
import { bigint, customType, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { historyActions } from '../../records/changes.ts';

/**
 * Field-level audit trail, append-only (a trigger refuses UPDATE and DELETE). One row per
 * changed field; creates, deletes, restores and purges (deleted for good) write one row with `field` null.
 */
export const recordHistory = pgTable(
  'record_history',
  {
    ...tenantKey(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    action: text('action', { enum: historyActions }).notNull(),
    field: text('field'),
    oldValue: jsonb('old_value'),
    newValue: jsonb('new_value'),
    actorType: text('actor_type', { enum: ['member', 'api_key', 'system'] }).notNull(),
    actorId: uuid('actor_id'),
    requestId: text('request_id'),
    /**
     * The record's version this change made (null for changes written before versions were kept
     * here): an update based on an older version is refused only if it touches a field changed since.
     */
    version: integer('version'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    index('record_history_record_idx').on(t.workspaceId, t.recordType, t.recordId, t.at),
    // Undoing an import finds what it wrote by the request id its history rows carry.
    index('record_history_request_idx').on(t.workspaceId, t.requestId),
  ],
);

/** A PostgreSQL transaction id (64 bits, never wrapping), as text in TypeScript. */
const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' });

/**
 * The outbox of domain events, written in the same transaction as the change. Automations,
 * webhooks, search and live updates read from here, so no change is ever missed.
 *
 * `seq` is given at insert, not at commit, so reading `seq > last` would skip a transaction that
 * commits after a later one. Each row therefore carries its transaction's id (`tx_id`), and readers
 * take only events of transactions older than every transaction still running
 * (`pg_snapshot_xmin`): those are all settled, committed or not, and no later read can turn up more
 * of them (see outbox.ts). `causes` is the chain of events that led to this one.
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    ...tenantKey(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    txId: xid8('tx_id').notNull().default(sql`pg_current_xact_id()`),
    type: text('type').notNull(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    payload: jsonb('payload').notNull(),
    actorId: uuid('actor_id'),
    causes: jsonb('causes').$type<string[]>().notNull().default([]),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    index('domain_events_seq_idx').on(t.workspaceId, t.seq),
    index('domain_events_tx_idx').on(t.txId, t.seq),
  ],
);

/** How far each consumer of the outbox has read: the (transaction id, seq) of the last event it took. */
export const eventCursors = pgTable('event_cursors', {
  consumer: text('consumer').primaryKey(),
  txId: xid8('tx_id').notNull(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

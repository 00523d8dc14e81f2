import { boolean, foreignKey, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { deliveryStatuses, type WebhookFilter } from '../../../contract/webhooks.ts';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';

/**
 * A URL a workspace's admins asked Rapport to POST events to. The signing secret is sealed with the
 * keyring (secrets.ts), not hashed: every delivery is signed with it, and the receiver holds the same secret.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    ...tenantKey(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** `*`, `contact.*`, or catalog types. */
    eventTypes: jsonb('event_types').$type<string[]>().notNull(),
    /** Only events about one object whose record meets these conditions; null for every event of the types. */
    filter: jsonb('filter').$type<WebhookFilter | null>(),
    enabled: boolean('enabled').notNull().default(true),
    secret: text('secret').notNull(),
    /** The secret before the last rotation, still signed with until it expires (receivers switch over meanwhile). */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: ts('previous_secret_expires_at'),
    disabledReason: text('disabled_reason'),
    disabledAt: ts('disabled_at'),
    /** Failed attempts in a row, and when the run of failures began: both decide the automatic disable. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    failingSince: ts('failing_since'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    createdBy: uuid('created_by'),
  },
  (t) => [...tenantConstraints(t)],
);

/**
 * One event for one endpoint. `body` is the exact text that is signed and sent, kept as text (not
 * jsonb, which reorders keys) so that every retry and replay sends the same bytes.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    ...tenantKey(),
    endpointId: uuid('endpoint_id').notNull(),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastDurationMs: integer('last_duration_ms'),
    lastAttemptAt: ts('last_attempt_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.endpointId], foreignColumns: [webhookEndpoints.workspaceId, webhookEndpoints.id] }).onDelete(
      'cascade',
    ),
    // An event is delivered to an endpoint once, even if the consumer read it twice.
    uniqueIndex('webhook_deliveries_event_key').on(t.workspaceId, t.endpointId, t.eventId),
    index('webhook_deliveries_endpoint_idx').on(t.workspaceId, t.endpointId, t.id),
    index('webhook_deliveries_created_idx').on(t.createdAt),
  ],
);

/** Each try of a delivery: what the receiver answered (the start of it), how long it took, or why it failed. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    ...tenantKey(),
    deliveryId: uuid('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    replay: boolean('replay').notNull().default(false),
    at: ts('at').notNull().defaultNow(),
    ok: boolean('ok').notNull(),
    statusCode: integer('status_code'),
    responseBody: text('response_body'),
    responseTruncated: boolean('response_truncated').notNull().default(false),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.deliveryId], foreignColumns: [webhookDeliveries.workspaceId, webhookDeliveries.id] }).onDelete(
      'cascade',
    ),
    index('webhook_attempts_delivery_idx').on(t.workspaceId, t.deliveryId, t.attempt),
  ],
);

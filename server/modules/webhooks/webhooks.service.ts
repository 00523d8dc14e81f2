import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { eventCatalog } from '../../../contract/events.ts';
import type {
  DeliveryListQuery,
  Webhook,
  WebhookAttempt,
  WebhookCreate,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookFilter,
  WebhookUpdate,
  WebhookWithSecret,
} from '../../../contract/webhooks.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, type FieldError, invalid, notFound } from '../../http/errors.ts';
import { urlProblems } from '../../outbound/url.ts';
import { diff } from '../../records/changes.ts';
import { checkEventCondition } from '../automation/conditions.service.ts';
import { recordChange } from '../history/history.service.ts';
import { sealSecret } from './secrets.ts';
import { newSecret } from './signature.ts';
import { enqueueDelivery, rescheduleDelivery } from './webhooks.jobs.ts';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from './webhooks.table.ts';

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookAttempts.$inferSelect;

/** How long the secret before a rotation is still signed with: receivers have a day to switch. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const toWebhook = (r: EndpointRow): Webhook => ({
  id: r.id,
  version: r.version,
  url: r.url,
  description: r.description,
  eventTypes: r.eventTypes,
  filter: r.filter ?? null,
  enabled: r.enabled,
  disabledReason: r.disabledReason,
  disabledAt: iso(r.disabledAt),
  // An expired previous secret is no longer signed with: it is as good as gone.
  previousSecretExpiresAt:
    r.previousSecretExpiresAt && r.previousSecretExpiresAt > new Date() ? r.previousSecretExpiresAt.toISOString() : null,
  consecutiveFailures: r.consecutiveFailures,
  failingSince: iso(r.failingSince),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  createdBy: r.createdBy,
});

export const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  webhookId: r.endpointId,
  eventId: r.eventId,
  eventType: r.eventType,
  status: r.status,
  attempts: r.attempts,
  lastStatusCode: r.lastStatusCode,
  lastError: r.lastError,
  lastDurationMs: r.lastDurationMs,
  lastAttemptAt: iso(r.lastAttemptAt),
  createdAt: r.createdAt.toISOString(),
});

const toAttempt = (r: AttemptRow): WebhookAttempt => ({
  id: r.id,
  attempt: r.attempt,
  replay: r.replay,
  at: r.at.toISOString(),
  ok: r.ok,
  statusCode: r.statusCode,
  responseBody: r.responseBody,
  responseTruncated: r.responseTruncated,
  durationMs: r.durationMs,
  error: r.error,
});

/** Whether an event of `type` is one an endpoint listening for `patterns` wants. */
export function matchesEventType(patterns: readonly string[], type: string) {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/** The catalog's event types, for the endpoint form. */
export const eventTypeInfo = () =>
  Object.entries(eventCatalog)
    .map(([type, e]) => ({ type, description: e.description }))
    .sort((a, b) => a.type.localeCompare(b.type));

const knownTypes = Object.keys(eventCatalog);

function checkEventTypes(patterns: string[]): FieldError[] {
  const errors: FieldError[] = [];
  patterns.forEach((p, i) => {
    const known = p === '*' || (p.endsWith('.*') ? knownTypes.some((t) => t.startsWith(p.slice(0, -1))) : knownTypes.includes(p));
    if (!known) {
      errors.push({
        field: `body.eventTypes.${i}`,
        code: 'unknown_event_type',
        message: `"${p}" is not an event type of the catalog (nor "*" or "<object>.*")`,
      });
    }
  });
  return errors;
}

/**
 * A filter names an object of the workspace, its conditions fit the object's fields, and some of the
 * endpoint's event types are about that object (events of custom objects are `custom_record.*`).
 */
async function checkFilter(conn: Conn, ctx: Ctx, filter: WebhookFilter, eventTypes: string[]): Promise<FieldError[]> {
  const errors = await checkEventCondition(conn, ctx, filter.object, filter.conditions, 'body.filter');
  if (errors.length) return errors;
  const prefix = Object.hasOwn(eventCatalog, `${filter.object}.created`) ? filter.object : 'custom_record';
  if (!eventTypes.some((p) => p === '*' || p.startsWith(`${prefix}.`))) {
    return [
      {
        field: 'body.filter.object',
        code: 'filter_never_matches',
        message: `none of the event types (${eventTypes.join(', ')}) is about ${filter.object}: add ${prefix}.* or one of its events`,
      },
    ];
  }
  return [];
}

async function check(
  conn: Conn,
  ctx: Ctx,
  input: { url?: string; eventTypes?: string[]; filter?: WebhookFilter | null },
  eventTypes: string[],
) {
  const errors = [
    ...(input.url !== undefined ? urlProblems(input.url, 'body.url', 'webhooks') : []),
    ...(input.eventTypes ? checkEventTypes(input.eventTypes) : []),
  ];
  if (!errors.length && input.filter) errors.push(...(await checkFilter(conn, ctx, input.filter, eventTypes)));
  if (errors.length) throw invalid(errors);
}

/** The same patterns once each, in the order given: `["*", "*"]` is one subscription. */
const unique = (patterns: string[]) => [...new Set(patterns)];

export async function listWebhooks(conn: Conn, ctx: Ctx) {
  const rows = await conn
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.workspaceId, ctx.workspaceId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  return rows.map(toWebhook);
}

async function endpointRow(conn: Conn, ctx: Ctx, id: string, lock = false) {
  const q = conn
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.workspaceId, ctx.workspaceId), eq(webhookEndpoints.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Webhook');
  return row;
}

export const getWebhook = async (conn: Conn, ctx: Ctx, id: string) => toWebhook(await endpointRow(conn, ctx, id));

export async function createWebhook(conn: Conn, ctx: Ctx, input: WebhookCreate): Promise<WebhookWithSecret> {
  await check(conn, ctx, input, input.eventTypes);
  const secret = newSecret();
  const id = uuidv7();
  const [row] = await conn
    .insert(webhookEndpoints)
    .values({
      workspaceId: ctx.workspaceId,
      id,
      url: input.url,
      description: input.description ?? '',
      eventTypes: unique(input.eventTypes),
      filter: input.filter ?? null,
      enabled: input.enabled ?? true,
      secret: sealSecret(ctx.workspaceId, id, secret),
      createdBy: ctx.memberId,
    })
    .returning();
  const api = toWebhook(row);
  await recordChange(conn, ctx, 'webhook', row.id, 'create', [{ field: null, old: null, new: api }]);
  return { ...api, secret };
}

export async function updateWebhook(conn: Conn, ctx: Ctx, id: string, version: number, input: WebhookUpdate) {
  const before = await endpointRow(conn, ctx, id, true);
  // A filter kept as it was is checked against new event types too.
  const filter = input.filter !== undefined ? input.filter : before.filter;
  await check(
    conn,
    ctx,
    { ...input, filter: input.eventTypes !== undefined || input.filter !== undefined ? filter : null },
    input.eventTypes ?? before.eventTypes,
  );
  if (before.version !== version) {
    throw conflict(
      'version_conflict',
      `This webhook was changed by someone else since you read it (you sent version ${version}, it is now ${before.version}). Reload and apply your change again.`,
      { currentVersion: before.version },
    );
  }
  const turnedOn = input.enabled === true && !before.enabled;
  const turnedOff = input.enabled === false && before.enabled;
  const [after] = await conn
    .update(webhookEndpoints)
    .set({
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.eventTypes !== undefined ? { eventTypes: unique(input.eventTypes) } : {}),
      ...(input.filter !== undefined ? { filter: input.filter } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      // Turned back on, it starts with a clean slate; turned off by hand, no automatic reason stays.
      ...(turnedOn ? { disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null } : {}),
      ...(turnedOff ? { disabledReason: null, disabledAt: sql`now()` } : {}),
      version: sql`${webhookEndpoints.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(webhookEndpoints.workspaceId, ctx.workspaceId), eq(webhookEndpoints.id, id)))
    .returning();
  const api = toWebhook(after);
  await recordChange(conn, ctx, 'webhook', id, 'update', diff(toWebhook(before), api, ['consecutiveFailures', 'failingSince']));
  return api;
}

/** Deletes the endpoint and its delivery log; deliveries still waiting find it gone and stop. */
export async function deleteWebhook(conn: Conn, ctx: Ctx, id: string) {
  const row = await endpointRow(conn, ctx, id, true);
  await conn.delete(webhookEndpoints).where(and(eq(webhookEndpoints.workspaceId, ctx.workspaceId), eq(webhookEndpoints.id, id)));
  await recordChange(conn, ctx, 'webhook', id, 'delete', [{ field: null, old: toWebhook(row), new: null }]);
  return toWebhook(row);
}

/**
 * A new secret, answered once. The old one stays in use beside it for a day, so that a receiver
 * verifies every delivery while its owner puts the new secret in; a second rotation within that
 * day retires the oldest at once (two secrets at most).
 */
export async function rotateSecret(conn: Conn, ctx: Ctx, id: string): Promise<WebhookWithSecret> {
  const before = await endpointRow(conn, ctx, id, true);
  const secret = newSecret();
  const [after] = await conn
    .update(webhookEndpoints)
    .set({
      secret: sealSecret(ctx.workspaceId, id, secret),
      previousSecret: before.secret,
      previousSecretExpiresAt: new Date(Date.now() + ROTATION_OVERLAP_MS),
      version: sql`${webhookEndpoints.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(webhookEndpoints.workspaceId, ctx.workspaceId), eq(webhookEndpoints.id, id)))
    .returning();
  const api = toWebhook(after);
  // The secrets themselves never go into history or events: only that a rotation happened, and until when the old one holds.
  await recordChange(conn, ctx, 'webhook', id, 'update', [
    { field: 'previousSecretExpiresAt', old: toWebhook(before).previousSecretExpiresAt, new: api.previousSecretExpiresAt },
  ]);
  return { ...api, secret };
}

/** An endpoint's deliveries, newest first. */
export async function listDeliveries(conn: Conn, ctx: Ctx, webhookId: string, q: DeliveryListQuery) {
  await endpointRow(conn, ctx, webhookId);
  const limit = q.limit ?? 50;
  const rows = await conn
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workspaceId, ctx.workspaceId),
        eq(webhookDeliveries.endpointId, webhookId),
        q.status ? eq(webhookDeliveries.status, q.status) : undefined,
        q.cursor ? lt(webhookDeliveries.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { data: page.map(toDelivery), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

async function deliveryRow(conn: Conn, ctx: Ctx, webhookId: string, deliveryId: string, lock = false) {
  const q = conn
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workspaceId, ctx.workspaceId),
        eq(webhookDeliveries.endpointId, webhookId),
        eq(webhookDeliveries.id, deliveryId),
      ),
    );
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Delivery');
  return row;
}

/** One delivery with its body and every attempt, oldest first. */
export async function getDelivery(conn: Conn, ctx: Ctx, webhookId: string, deliveryId: string): Promise<WebhookDeliveryDetail> {
  const row = await deliveryRow(conn, ctx, webhookId, deliveryId);
  const attempts = await conn
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.workspaceId, ctx.workspaceId), eq(webhookAttempts.deliveryId, deliveryId)))
    .orderBy(asc(webhookAttempts.attempt));
  return { ...toDelivery(row), body: row.body, attemptLog: attempts.map(toAttempt) };
}

/**
 * Sends a delivery again, now, with a fresh set of tries: after a receiver was fixed, or to test
 * one. A delivery still waiting for its next try is simply tried at once.
 */
export async function replayDelivery(conn: Conn, ctx: Ctx, webhookId: string, deliveryId: string) {
  const endpoint = await endpointRow(conn, ctx, webhookId);
  if (!endpoint.enabled) throw conflict('webhook_disabled', 'This webhook is turned off; turn it on before replaying its deliveries');
  const row = await deliveryRow(conn, ctx, webhookId, deliveryId, true);
  const [after] = await conn
    .update(webhookDeliveries)
    .set({ status: 'pending' })
    .where(and(eq(webhookDeliveries.workspaceId, ctx.workspaceId), eq(webhookDeliveries.id, row.id)))
    .returning();
  const queued = await enqueueDelivery(conn, ctx.workspaceId, row.id, true);
  if (!queued) await rescheduleDelivery(conn, row.id);
  return toDelivery(after);
}

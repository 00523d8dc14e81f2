import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Conn, Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { OutboundError, type OutboundResponse, outboundRequest } from '../../outbound/request.ts';
import { emitEvent, writeHistory } from '../history/history.service.ts';
import type { OutboxEvent } from '../history/outbox.ts';
import { openSecret } from './secrets.ts';
import { signedHeaders } from './signature.ts';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from './webhooks.table.ts';

/**
 * An endpoint is turned off when it has failed this many attempts in a row AND has been failing
 * for this long: a burst of failures during a short outage (many events, each tried) does not
 * turn it off, nor does one failure a day on a quiet endpoint that is otherwise fine.
 */
export const DISABLE_AFTER = { failures: 20, periodMs: 2 * 24 * 60 * 60 * 1000 };

export function shouldDisable(failures: number, failingSince: Date | null, now: Date) {
  return failures >= DISABLE_AFTER.failures && failingSince !== null && now.getTime() - failingSince.getTime() >= DISABLE_AFTER.periodMs;
}

/** The start of a receiver's answer kept in the log. */
export const LOGGED_BODY_CHARS = 4096;

/**
 * The JSON an endpoint receives for an event. Standard Webhooks' `type`, `timestamp` and `data`,
 * with what identifies the event and its record beside them; `data` is the event's payload as the
 * catalog (contract/events.ts) describes it.
 */
export function webhookBody(e: OutboxEvent) {
  return JSON.stringify({
    id: e.id,
    type: e.type,
    timestamp: e.at,
    workspaceId: e.workspaceId,
    recordType: e.recordType,
    recordId: e.recordId,
    actorId: e.actorId,
    causes: e.causes,
    data: e.payload,
  });
}

function outcome(res: OutboundResponse | null, err: unknown) {
  if (res && res.status >= 200 && res.status < 300) return { ok: true, error: null };
  if (res && res.status >= 300 && res.status < 400) {
    const to = res.headers.location ? ` to ${String(res.headers.location).slice(0, 300)}` : '';
    return { ok: false, error: `Answered ${res.status}, a redirect${to}: redirects are not followed, give the final URL` };
  }
  if (res) return { ok: false, error: `Answered ${res.status}; only a 2xx status counts as received` };
  if (err instanceof OutboundError) return { ok: false, error: err.message };
  return { ok: false, error: `The request failed: ${err instanceof Error ? err.message : String(err)}` };
}

export interface DeliveryJob {
  workspaceId: string | null;
  input: { deliveryId: string; replay: boolean };
  attempt: number;
  maxAttempts: number;
  db: Db;
  signal: AbortSignal;
}

/**
 * One try at a delivery: sign, POST, record the attempt, and keep the endpoint's failure count.
 * Returns what happened; throws when the try failed and another is due (the job's retry with
 * backoff makes it), or when it was the last (the job is then dead, the delivery failed).
 */
export async function attemptDelivery(job: DeliveryJob) {
  const workspaceId = job.workspaceId as string;
  const [found] = await job.db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(
      webhookEndpoints,
      and(eq(webhookEndpoints.workspaceId, webhookDeliveries.workspaceId), eq(webhookEndpoints.id, webhookDeliveries.endpointId)),
    )
    .where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.id, job.input.deliveryId)));
  // The endpoint was deleted (its deliveries with it), or this delivery was settled by a run whose
  // worker died before it could mark the job done: nothing to send.
  if (!found) return { skipped: 'gone' };
  const { delivery, endpoint } = found;
  if (delivery.status !== 'pending') return { skipped: delivery.status };
  if (!endpoint.enabled) {
    await job.db
      .update(webhookDeliveries)
      .set({ status: 'failed', lastError: 'The webhook was turned off before this delivery was sent' })
      .where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.id, delivery.id)));
    return { skipped: 'webhook turned off' };
  }

  const now = new Date();
  const secrets = [endpoint.secret];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now)
    secrets.push(endpoint.previousSecret);
  const plain = secrets.map((x) => openSecret(workspaceId, endpoint.id, x));
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Rapport-Webhooks/1',
    ...signedHeaders(plain, delivery.eventId, Math.floor(now.getTime() / 1000), delivery.body),
  };
  const started = performance.now();
  let res: OutboundResponse | null = null;
  let err: unknown = null;
  try {
    res = await outboundRequest(endpoint.url, { method: 'POST', headers, body: delivery.body, signal: job.signal });
  } catch (e) {
    err = e;
  }
  // Stopped by the worker (shutdown, lost lease): not the receiver's fault, and not counted.
  if (job.signal.aborted) throw new Error('stopped before the delivery finished');
  const { ok, error } = outcome(res, err);
  const durationMs = res?.durationMs ?? Math.round(performance.now() - started);
  const last = job.attempt >= job.maxAttempts;

  const disabled = await job.db.transaction(async (tx) => {
    // The endpoint row is locked so that concurrent deliveries to it count their failures one after another.
    const [ep] = await tx
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.workspaceId, workspaceId), eq(webhookEndpoints.id, endpoint.id)))
      .for('update');
    const [d] = await tx
      .update(webhookDeliveries)
      .set({
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        status: ok ? 'succeeded' : last ? 'failed' : 'pending',
        lastStatusCode: res?.status ?? null,
        lastError: error,
        lastDurationMs: durationMs,
        lastAttemptAt: now,
      })
      .where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.id, delivery.id)))
      .returning({ attempts: webhookDeliveries.attempts });
    if (!ep || !d) return false;
    const responseBody = res ? res.body.slice(0, LOGGED_BODY_CHARS) : null;
    await tx.insert(webhookAttempts).values({
      workspaceId,
      id: uuidv7(),
      deliveryId: delivery.id,
      attempt: d.attempts,
      replay: job.input.replay && job.attempt === 1,
      at: now,
      ok,
      statusCode: res?.status ?? null,
      responseBody,
      responseTruncated: res ? res.truncated || res.body.length > LOGGED_BODY_CHARS : false,
      durationMs,
      error,
    });
    if (ok) {
      if (ep.consecutiveFailures > 0) {
        await tx
          .update(webhookEndpoints)
          .set({ consecutiveFailures: 0, failingSince: null })
          .where(and(eq(webhookEndpoints.workspaceId, workspaceId), eq(webhookEndpoints.id, ep.id)));
      }
      return false;
    }
    const failures = ep.consecutiveFailures + 1;
    const failingSince = ep.failingSince ?? now;
    const off = ep.enabled && shouldDisable(failures, failingSince, now);
    const reason = off
      ? `Turned off after ${failures} failed attempts in a row since ${failingSince.toISOString()}; the last: ${error}`.slice(0, 1000)
      : null;
    await tx
      .update(webhookEndpoints)
      .set({
        consecutiveFailures: failures,
        failingSince,
        ...(off
          ? { enabled: false, disabledReason: reason, disabledAt: now, version: sql`${webhookEndpoints.version} + 1`, updatedAt: now }
          : {}),
      })
      .where(and(eq(webhookEndpoints.workspaceId, workspaceId), eq(webhookEndpoints.id, ep.id)));
    if (off && reason) await recordDisable(tx, ep, delivery.eventId, reason, failures, failingSince);
    return off;
  });

  if (ok) return { delivered: true, status: res?.status };
  if (disabled) return { delivered: false, disabled: true };
  throw new Error(error ?? 'delivery failed');
}

/**
 * The admins' notice that an endpoint was turned off: its history and the `webhook.disabled` event
 * (which the notification centre will turn into a message), caused by the event that failed last.
 * Deliveries still waiting for a try are settled as failed: they would only fail again.
 */
async function recordDisable(
  tx: Conn,
  ep: typeof webhookEndpoints.$inferSelect,
  eventId: string,
  reason: string,
  failures: number,
  failingSince: Date,
) {
  const ctx: Ctx = {
    workspaceId: ep.workspaceId,
    memberId: ep.createdBy ?? '',
    actor: { type: 'system', id: null },
    role: 'owner',
    requestId: null,
    causes: [eventId],
  };
  const changes = [
    { field: 'enabled', old: true, new: false },
    { field: 'disabledReason', old: null, new: reason },
  ];
  await writeHistory(tx, ctx, 'webhook', ep.id, 'update', changes, ep.version + 1);
  await emitEvent(tx, ctx, 'webhook.updated', 'webhook', ep.id, { changes });
  await emitEvent(tx, ctx, 'webhook.disabled', 'webhook', ep.id, { reason, failures, failingSince: failingSince.toISOString() });
  await tx
    .update(webhookDeliveries)
    .set({ status: 'failed', lastError: 'The webhook was turned off after failing for too long' })
    .where(
      and(
        eq(webhookDeliveries.workspaceId, ep.workspaceId),
        eq(webhookDeliveries.endpointId, ep.id),
        eq(webhookDeliveries.status, 'pending'),
      ),
    );
}
